import { promises as dns, type SrvRecord } from 'node:dns';

/**
 * Lura's `sd: dns`: the backend's first host is a DNS SRV name, looked up and
 * kept for `dns_cache_ttl`. Only the targets of the lowest priority are used,
 * each listed as often as its weight divided by the weights' greatest common
 * divisor, so a uniform pick follows the weights. URLs are
 * `sd_scheme://target:port`. A lookup that fails keeps the last answer; with
 * none, calls fail naming the lookup's error.
 */
export interface SrvTargets {
  /** The current URLs, or the error to fail with; starts a refresh in the background when the answer is stale. */
  current(): string[] | Error;
  /** Settles after the first lookup (success or not). */
  readonly first: Promise<void>;
}

export function srvTargets(name: string, scheme: string, ttlMs: number, onChange: (urls: string[]) => void): SrvTargets {
  let urls: string[] | undefined;
  let failure: Error = new Error(`lookup ${name}: pending`);
  let fetchedAt = 0;
  let inFlight: Promise<void> | undefined;
  const lookup = (): Promise<void> => {
    inFlight ??= dns
      .resolveSrv(name)
      .then(
        (records) => {
          const next = srvUrls(records, scheme);
          if (next.length === 0) throw new Error(`lookup ${name}: no SRV records`);
          urls = next;
          onChange(next);
        },
        (e: NodeJS.ErrnoException) => {
          throw new Error(`lookup ${name} on SRV: ${e.code ?? e.message}`);
        },
      )
      .catch((e: Error) => {
        failure = e;
      })
      .finally(() => {
        fetchedAt = Date.now();
        inFlight = undefined;
      });
    return inFlight;
  };
  const first = lookup();
  return {
    first,
    current() {
      if (Date.now() - fetchedAt > ttlMs && !inFlight) void lookup();
      return urls ?? failure;
    },
  };
}

/** Lowest-priority records, repeated by normalised weight, as `scheme://target:port`. */
export function srvUrls(records: readonly SrvRecord[], scheme: string): string[] {
  if (records.length === 0) return [];
  const lowest = Math.min(...records.map((r) => r.priority));
  const chosen = records.filter((r) => r.priority === lowest);
  const weights = chosen.map((r) => Math.max(1, r.weight));
  const divisor = weights.reduce(gcd);
  const out: string[] = [];
  chosen.forEach((r, i) => {
    const host = r.name.endsWith('.') ? r.name.slice(0, -1) : r.name;
    const authority = host.includes(':') ? `[${host}]:${r.port}` : `${host}:${r.port}`;
    for (let n = 0; n < weights[i]! / divisor; n++) out.push(`${scheme}://${authority}`);
  });
  return out;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
