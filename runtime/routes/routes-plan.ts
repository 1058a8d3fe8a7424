import type { RoutesPlan } from '../plan/plan.js';
import { isPlainObject } from '../shared/is-plain-object.js';

/**
 * A routes.yaml value (already parsed) → RoutesPlan: redirects, host routes
 * with prefixes longest first (equal lengths keep file order, where Go's
 * unstable sort leaves it undefined), subdomain patterns longest first.
 * Shared by `hgw build --routes` and the bundle's GATEWAY_ROUTES_FILE.
 */
type Obj = Record<string, unknown>;

const obj = (v: unknown): Obj => (isPlainObject(v) ? v : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function routesPlan(value: unknown): RoutesPlan {
  const root = obj(value);
  const redirects = Object.entries(obj(root.redirects))
    .filter((e): e is [string, string] => typeof e[1] === 'string')
    .map(([host, target]) => ({ host, target }));
  const hosts = Object.entries(obj(root.routes)).map(([host, list]) => {
    const entries = (Array.isArray(list) ? list : [])
      .filter(isPlainObject)
      .map((e) => {
        const entry: { prefix: string; backend: string; rewrite?: string } = { prefix: str(e.prefix) ?? '', backend: str(e.backend) ?? '' };
        if (str(e.rewrite) !== undefined) entry.rewrite = str(e.rewrite)!;
        return entry;
      });
    entries.sort((a, b) => b.prefix.length - a.prefix.length);
    return { host, entries };
  });
  const subdomains = Object.entries(obj(root.subdomains))
    .filter((e): e is [string, string] => typeof e[1] === 'string')
    .map(([pattern, backend]) => ({ pattern, backend }))
    .sort((a, b) => b.pattern.length - a.pattern.length);
  return { redirects, hosts, subdomains };
}
