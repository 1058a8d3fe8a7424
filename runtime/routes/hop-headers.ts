/**
 * Hop-by-hop headers (RFC 9110 §7.6.1, the list Go's httputil.ReverseProxy
 * removes): they describe one connection, so a proxy drops them in both
 * directions, together with every header the Connection header names —
 * except the headers the gateway is the authority for (minted identity, Host):
 * a client's `Connection: X-User-Id` must not unsay what the gateway wrote.
 */
import { isIdentityHeader } from '../shared/headers/ingress-strip.js';

const HOP_BY_HOP = new Set([
  'connection',
  'proxy-connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Names listed in Connection header values (lower case), less those the gateway vouches for. */
function connectionTokens(raw: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i]!.toLowerCase() !== 'connection') continue;
    for (const token of raw[i + 1]!.split(',')) {
      const t = token.trim().toLowerCase();
      if (t !== '' && t !== 'host' && !isIdentityHeader(t)) out.add(t);
    }
  }
  return out;
}

/**
 * Flat `[name, value, …]` without hop-by-hop headers, names and order kept.
 * `drop` removes more names (lower case) on the way.
 */
export function withoutHopHeaders(raw: readonly string[], drop?: ReadonlySet<string>): string[] {
  const named = connectionTokens(raw);
  const out: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const lower = raw[i]!.toLowerCase();
    if (HOP_BY_HOP.has(lower) || named.has(lower) || drop?.has(lower)) continue;
    out.push(raw[i]!, raw[i + 1]!);
  }
  return out;
}

/** `TE: trailers` survives the strip (Go keeps it so gRPC-style trailers still work). */
export function asksForTrailers(raw: readonly string[]): boolean {
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i]!.toLowerCase() === 'te' && raw[i + 1]!.split(',').some((t) => t.trim().toLowerCase() === 'trailers')) return true;
  }
  return false;
}
