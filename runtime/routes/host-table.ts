import type { RoutesPlan } from '../plan/plan.js';
import { mapUrl, type HostMap } from '../shared/host-map.js';

/**
 * The routes.yaml table, compiled once: what a request's Host and path decide
 * before any KrakenD endpoint is looked at (hanzo-core §5.3). Order:
 * redirects → the unified cloud-API hosts → exact host routes (longest prefix
 * first, a raw string prefix, not segment-bounded, as in Go) → subdomain
 * patterns (a substring of the host; longest pattern first, where Go's map
 * order is random) → no match, the router's turn.
 */
export interface ProxyTarget {
  /** `http://host:port` the request goes to (host map applied). */
  origin: string;
  /** The backend URL's own path, joined in front of the request's. */
  basePath: string;
  /** The backend URL's own query, joined in front of the request's. */
  baseQuery: string;
  /** Shown in logs and errors: the backend as the routes file names it. */
  label: string;
}

export type HostDecision =
  | { kind: 'redirect'; target: string }
  | { kind: 'proxy'; target: ProxyTarget; prefix?: string; rewrite?: string };

export interface HostTable {
  match(host: string, path: string): HostDecision | undefined;
  /** How many hosts, redirects and patterns the table holds (for the start-up log). */
  readonly summary: string;
}

/** `api.hanzo.ai` and `api.cloud.hanzo.ai` carry every path to the cloud API (the Go gateway's `apiCloudHosts`). */
export const CLOUD_API_HOSTS = ['api.hanzo.ai', 'api.cloud.hanzo.ai'] as const;
export const DEFAULT_CLOUD_API_URL = 'http://cloud.hanzo.svc.cluster.local:8000';

export interface HostTableOptions {
  hostMap: HostMap;
  /** Where the cloud-API hosts go; undefined leaves those hosts to the table and the router. */
  cloudApiUrl?: string;
}

/**
 * All-or-nothing, as Go's LoadRoutes: one backend URL that cannot be proxied
 * to fails the whole table with Go's message, and nothing is served from it.
 */
export function compileHostTable(plan: RoutesPlan, options: HostTableOptions): HostTable {
  const target = (url: string, what: string): ProxyTarget => {
    const t = proxyTarget(url, options.hostMap);
    if (t === undefined) throw new Error(what);
    return t;
  };
  const redirects = new Map(plan.redirects.map((r) => [r.host, r.target]));
  const hosts = new Map(
    plan.hosts.map((h) => [
      h.host,
      h.entries.map((e) => ({
        prefix: e.prefix,
        rewrite: e.rewrite,
        target: target(e.backend, `bad backend URL ${JSON.stringify(e.backend)} for ${h.host}${e.prefix}`),
      })),
    ]),
  );
  const subdomains = plan.subdomains.map((s) => ({
    pattern: s.pattern,
    target: target(s.backend, `bad subdomain backend URL ${JSON.stringify(s.backend)} for ${s.pattern}`),
  }));
  const cloud = options.cloudApiUrl === undefined ? undefined : target(cloudApiUrlOrDefault(options.cloudApiUrl), 'bad cloud API URL');
  const cloudHosts = new Set<string>(cloud ? CLOUD_API_HOSTS : []);

  return {
    summary: `${hosts.size} host(s), ${redirects.size} redirect(s), ${subdomains.length} subdomain pattern(s)${cloud ? `, cloud API → ${cloud.label}` : ''}`,
    match(host, path) {
      const redirect = redirects.get(host);
      if (redirect !== undefined) return { kind: 'redirect', target: redirect };
      if (cloud && cloudHosts.has(host)) return { kind: 'proxy', target: cloud };
      const entries = hosts.get(host);
      if (entries) {
        for (const e of entries) {
          if (path.startsWith(e.prefix)) return e.rewrite === undefined ? { kind: 'proxy', target: e.target, prefix: e.prefix } : { kind: 'proxy', target: e.target, prefix: e.prefix, rewrite: e.rewrite };
        }
      }
      for (const s of subdomains) if (host.includes(s.pattern)) return { kind: 'proxy', target: s.target };
      return undefined;
    },
  };
}

/** A backend URL as the proxy uses it (host map applied), or undefined when it cannot be proxied to. */
export function proxyTarget(url: string, hostMap: HostMap): ProxyTarget | undefined {
  let u: URL;
  try {
    u = new URL(mapUrl(hostMap, url));
  } catch {
    return undefined;
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.hostname === '') return undefined;
  return { origin: u.origin, basePath: u.pathname, baseQuery: u.search.slice(1), label: url };
}

/** Go's cloudAPIURL: an unparseable or host-less value falls back to the default. */
export function cloudApiUrlOrDefault(value: string | undefined): string {
  if (value === undefined || value.trim() === '') return DEFAULT_CLOUD_API_URL;
  try {
    const u = new URL(value.trim());
    return u.hostname === '' ? DEFAULT_CLOUD_API_URL : value.trim();
  } catch {
    return DEFAULT_CLOUD_API_URL;
  }
}

/** The Host header up to the first `:`, unchanged in case — Go compares it case-sensitively. */
export function requestHost(hostHeader: string | undefined): string {
  if (hostHeader === undefined) return '';
  const colon = hostHeader.indexOf(':');
  return colon === -1 ? hostHeader : hostHeader.slice(0, colon);
}
