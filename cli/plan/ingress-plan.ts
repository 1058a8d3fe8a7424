import { createHash } from 'node:crypto';
import type { IngressPlan, Plan } from '../../runtime/plan/plan.js';
import { PLAN_SCHEMA } from '../../runtime/plan/plan.js';
import { arr, bool, isObj, obj, str } from '../config/view.js';
import type { LoadedDocument } from '../load/document.js';
import { servicePlan } from './build-plan.js';

/**
 * ingress.json → Plan. The Go ingress (`cmd/ingress`) is a process of its
 * own: a host table and nothing else. Its fixed server settings become the
 * service (listen address, read 30 s, write 120 s, idle 120 s, 15 s to drain),
 * so the bundle has the gateway's server, logging, workers and signals.
 */
export const INGRESS_DEFAULTS = { listen: ':8080', healthPath: '/__health' } as const;

export function buildIngressPlan(ingress: LoadedDocument): Plan {
  const v = obj(ingress.value);
  const { ip, port } = listenAddress(str(v.listen) ?? INGRESS_DEFAULTS.listen);
  const service = servicePlan({
    name: 'ingress',
    port,
    ...(ip ? { listen_ip: ip } : {}),
    read_timeout: '30s',
    write_timeout: '120s',
    idle_timeout: '120s',
    max_shutdown_wait_time: '15s',
  });
  const byHost = new Map<string, IngressPlan['hosts'][number]>();
  for (const route of arr(v.routes).filter(isObj)) {
    const host = str(route.host);
    if (host === undefined) continue;
    const backends = arr(route.backends)
      .filter(isObj)
      .map((b) => ({ path: str(b.path) ?? '', url: str(b.url) ?? '' }));
    // Array.prototype.sort is stable: equal prefixes keep file order, the first listed wins as in Go.
    backends.sort((a, b) => b.path.length - a.path.length);
    // A host listed twice: the later entry replaces the earlier, as assigning into Go's map does (check warns).
    byHost.delete(host);
    byHost.set(host, { host, auth: bool(route.auth), backends });
  }
  const modules = ['core/server', 'routes/ingress'];
  if ([...byHost.values()].some((h) => h.auth)) modules.push('auth/hanzo-iam');
  return {
    schema: PLAN_SCHEMA,
    source: { file: ingress.file, sha256: createHash('sha256').update(ingress.text).digest('hex') },
    service,
    endpoints: [],
    ingress: { healthPath: str(v.health_path) ?? INGRESS_DEFAULTS.healthPath, hosts: [...byHost.values()] },
    modules: modules.sort(),
  };
}

/** Go's `[host]:port` listen address; an empty host is every interface. */
export function listenAddress(listen: string): { ip?: string; port: number } {
  const colon = listen.lastIndexOf(':');
  const host = colon === -1 ? '' : listen.slice(0, colon);
  const port = Number(colon === -1 ? listen : listen.slice(colon + 1));
  const ip = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return { ...(ip !== '' ? { ip } : {}), port: Number.isInteger(port) && port >= 0 && port < 65536 ? port : 8080 };
}
