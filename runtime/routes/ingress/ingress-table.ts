import type { HostMap } from '../../shared/host-map.js';
import type { Logger } from '../../shared/log/logger.js';
import type { IngressPlan } from '../../plan/plan.js';
import { proxyTarget, type ProxyTarget } from '../host-table.js';

/**
 * The ingress host table (hanzo-core §6): the Host before its `:` matched
 * exactly and case-sensitively; within a host the longest path prefix (a raw
 * string prefix) wins, ties to the first listed. A backend URL that cannot
 * be proxied to is skipped with a warning, as the Go ingress does (`hgw
 * check` reports it as an error first).
 */
export type IngressDecision = { kind: 'proxy'; target: ProxyTarget; auth: boolean } | { kind: 'unknown-host' } | { kind: 'no-backend' };

export interface IngressTable {
  match(host: string, path: string): IngressDecision;
}

const UNKNOWN_HOST: IngressDecision = { kind: 'unknown-host' };
const NO_BACKEND: IngressDecision = { kind: 'no-backend' };

export function compileIngressTable(plan: IngressPlan, hostMap: HostMap, log: Logger): IngressTable {
  const hosts = new Map<string, { auth: boolean; backends: Array<{ path: string; target: ProxyTarget }> }>();
  for (const h of plan.hosts) {
    const backends: Array<{ path: string; target: ProxyTarget }> = [];
    for (const b of h.backends) {
      const target = proxyTarget(b.url, hostMap);
      if (target === undefined) log.warn(`ingress: skipping backend ${JSON.stringify(b.url)} of ${h.host}${b.path}: not an http(s) URL`);
      else backends.push({ path: b.path, target });
    }
    hosts.set(h.host, { auth: h.auth, backends });
  }
  return {
    match(host, path) {
      const entry = hosts.get(host);
      if (entry === undefined) return UNKNOWN_HOST;
      for (const b of entry.backends) if (path.startsWith(b.path)) return { kind: 'proxy', target: b.target, auth: entry.auth };
      return NO_BACKEND;
    },
  };
}
