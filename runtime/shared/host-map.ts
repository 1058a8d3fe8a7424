/**
 * Host override: maps backend hosts as written in the config (after
 * sanitising, e.g. `http://cloud-api.hanzo.svc.cluster.local:8000`) to other
 * base URLs, so a production config can run against local or test backends.
 * `*` maps every host not named otherwise. Sources, later wins: build option,
 * `HGW_HOST_MAP`, `--host-map` of the bundle.
 */
export type HostMap = Readonly<Record<string, string>>;

/** Parses `from=to` pairs (comma or whitespace separated); throws with the bad pair named. */
export function parseHostMap(spec: string | string[]): Record<string, string> {
  const pairs = (Array.isArray(spec) ? spec : [spec]).flatMap((s) => s.split(/[\s,]+/)).filter((s) => s !== '');
  const map: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0 || eq === pair.length - 1) throw new Error(`host map entry ${JSON.stringify(pair)} is not from=to`);
    const from = trimSlash(pair.slice(0, eq));
    const to = trimSlash(pair.slice(eq + 1));
    let url: URL;
    try {
      url = new URL(to);
    } catch {
      throw new Error(`host map target ${JSON.stringify(to)} is not a URL (write http://host:port)`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`host map target ${JSON.stringify(to)} must be http:// or https://`);
    map[from] = to;
  }
  return map;
}

/** The host to use for `host`: its own entry, else `*`, else itself. */
export function mapHost(map: HostMap, host: string): string {
  const key = trimSlash(host);
  return map[key] ?? map['*'] ?? host;
}

function trimSlash(s: string): string {
  return s.endsWith('/') ? s.slice(0, -1) : s;
}

/**
 * A full URL with its origin mapped (`https://hanzo.id/.well-known/jwks` →
 * `http://127.0.0.1:9000/.well-known/jwks`). The origin is looked up as
 * written first (`http://svc:80`, the way configs name it), then normalised
 * (`http://svc`), since URL drops a default port.
 */
export function mapUrl(map: HostMap, url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url;
  }
  const written = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(url)?.[0];
  const key = written !== undefined && map[written] !== undefined ? written : u.origin;
  const mapped = mapHost(map, key);
  return mapped === key ? url : trimSlash(mapped) + u.pathname + u.search;
}
