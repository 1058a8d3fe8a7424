import type { BackendPlan, EndpointPlan, ServicePlan } from '../../runtime/plan/plan.js';

import { namespacesAt, type ConfigLevel } from './module-registry.js';

/**
 * Which runtime module each config feature needs. Codegen links a module iff
 * it appears in Plan.modules, so this is where tree-shaking starts; the
 * namespace → module tables come from the one registry.
 */
const SERVICE_NAMESPACES = namespacesAt('service');
const ENDPOINT_NAMESPACES = namespacesAt('endpoint');
const BACKEND_NAMESPACES = namespacesAt('backend');

/**
 * Namespaces read by code that is always linked (router options, the proxy
 * block, the Hanzo modules, backend/http…) or handled by the entries above.
 * Any other namespace a config sets — a KrakenD CE module hgw has no
 * runtime for (backend/graphql, backend/amqp, telemetry/influx…)
 * — becomes a module of its own name, so `hgw build` names it as not
 * enforced instead of ignoring it in silence.
 */
const ALWAYS_HANDLED = new Set([
  'router',
  'proxy',
  'backend/http',
  'auth/public',
  'github.com/hanzoai/gateway/edge',
  'github.com/hanzoai/gateway/profile',
  'github.com/hanzoai/gateway/base_ha',
  'github.com/hanzoai/gateway/base-network',
  'github.com/hanzoai/gateway/zap',
  'modifier/lua-backend',
  'modifier/lua-proxy',
]);

export type { ConfigLevel };

const LEVEL_NAMESPACES: Record<ConfigLevel, Record<string, string>> = { service: SERVICE_NAMESPACES, endpoint: ENDPOINT_NAMESPACES, backend: BACKEND_NAMESPACES };

/**
 * The module a namespace at this level needs: its id, or undefined when code
 * that is always linked reads it (router, proxy, the Hanzo namespaces, …) or
 * it is a comment. A namespace hgw has no runtime for is its own id.
 */
export function namespaceModule(level: ConfigLevel, ns: string): string | undefined {
  if (/^[@$_#]/.test(ns)) return undefined;
  const id = LEVEL_NAMESPACES[level][ns];
  if (id) return id;
  return ALWAYS_HANDLED.has(ns) ? undefined : ns;
}

/**
 * Settings the schema knows that no runtime reads, with what they would do;
 * a config that sets one gets a check warning at its position and a build
 * warning, and the manifest lists them (as `setting/<key>`).
 */
export const SETTINGS_NOT_ENFORCED: Readonly<Record<string, string>> = {
  write_timeout: 'Go\'s http.Server WriteTimeout (a bound on writing the answer)',
  disable_keep_alives: 'closing every backend connection after one request',
  max_idle_connections: 'a cap on idle backend connections across hosts',
  max_idle_connections_per_host: 'a cap on idle backend connections per host',
  expect_continue_timeout: 'how long to wait for a backend\'s 100 Continue',
  async_agent: 'KrakenD\'s async agents (consumers of message queues)',
  sequential_start: 'starting async agents one after another',
};

/** The service settings in SETTINGS_NOT_ENFORCED this config sets (a false or zero value changes nothing, so it is not named). */
export function settingsNotEnforced(config: Record<string, unknown>): string[] {
  return Object.keys(SETTINGS_NOT_ENFORCED).filter((k) => {
    const v = config[k];
    return v !== undefined && v !== null && v !== false && v !== 0 && v !== '0s' && !(Array.isArray(v) && v.length === 0);
  });
}

function addNamespaces(set: Set<string>, extra: Record<string, unknown>, known: Readonly<Record<string, string>>, service: ServicePlan): void {
  for (const ns of Object.keys(extra)) {
    if (/^[@$_#]/.test(ns)) continue; // comments
    if (ns === 'security/cors' && !krakendCorsLinked(service)) continue;
    const id = known[ns];
    if (id) set.add(id);
    else if (!ALWAYS_HANDLED.has(ns)) set.add(ns);
  }
}

const UPSTREAMS: Record<BackendPlan['upstream']['kind'], string> = {
  http: 'upstream/http',
  base_ha: 'upstream/base-ha',
  'base-network': 'upstream/base-network',
  zap: 'upstream/zap',
};

const ENCODINGS: Record<string, string> = {
  xml: 'encoding/xml',
  rss: 'encoding/rss',
  yaml: 'encoding/yaml',
  negotiate: 'encoding/negotiate',
};

/** The parts of the Hanzo edge chain the service runs (resolved at plan time from the profile), as module ids. */
export function edgeModules(service: ServicePlan): string[] {
  const edge = service.edge;
  if (!edge) return [];
  const out: string[] = [];
  if (edge.productionHeaders) out.push('core/production-headers');
  if (edge.cors) out.push('security/hanzo-cors');
  if (edge.iam) out.push('auth/hanzo-iam');
  else if (edge.strip) out.push('auth/identity-strip');
  if (edge.widgetGate) out.push('auth/widget-gate');
  if (edge.requireIdentity !== 'off') out.push('auth/require-identity');
  return out;
}

/**
 * `security/cors` is not wired under the hanzo profile: the Go engine answers
 * CORS with its one policy (hanzo-core.md §5.5); `hgw check` says so.
 */
export function krakendCorsLinked(service: ServicePlan): boolean {
  return service.profile.name === 'krakend';
}

export function modulesFor(service: ServicePlan, endpoints: EndpointPlan[], hasRoutes: boolean, settings: readonly string[] = []): string[] {
  const set = new Set<string>(['core/server', 'core/router', ...edgeModules(service), ...settings.map((k) => `setting/${k}`)]);
  addNamespaces(set, service.extraConfig, SERVICE_NAMESPACES, service);
  if (hasRoutes) set.add('routes/host-routing');
  for (const ep of endpoints) {
    // no-op endpoints stream bytes and never decode; every other endpoint runs the decoding proxy pipe.
    set.add(ep.outputEncoding === 'no-op' ? 'core/no-op' : 'core/endpoint');
    addNamespaces(set, ep.extraConfig, ENDPOINT_NAMESPACES, service);
    if (ep.proxy.sequential) set.add('core/sequential');
    if (ep.proxy.static) set.add('core/static');
    if (ep.proxy.combiner) set.add('setting/proxy.combiner');
    if (ep.proxy.flatmapFilter) set.add('core/flatmap');
    const outMod = ENCODINGS[ep.outputEncoding];
    if (outMod) set.add(outMod);
    if (ep.outputEncoding === 'negotiate') {
      set.add('encoding/xml');
      set.add('encoding/yaml');
    }
    if (ep.backends.length > 1) set.add('core/merge');
    for (const be of ep.backends) {
      set.add(UPSTREAMS[be.upstream.kind]);
      if (be.upstream.kind === 'zap') set.add('upstream/http'); // start-up fallback when the ZAP peer is unreachable
      if (be.upstream.kind === 'base_ha' && be.upstream.readYourWritesStore) set.add('upstream/base-ha-redis-pins');
      addNamespaces(set, be.extraConfig, BACKEND_NAMESPACES, service);
      const encMod = ENCODINGS[be.encoding];
      if (encMod) set.add(encMod);
      if (be.flatmapFilter) set.add('core/flatmap');
      if (be.target || be.allow || be.deny || be.mapping || be.group) set.add('core/manipulation');
    }
  }
  return [...set].sort();
}

function addIf(set: Set<string>, id: string | undefined): void {
  if (id) set.add(id);
}

/** Module ids of the middleware a request to `ep` passes before its handler: service-wide first, then the endpoint's own. */
export function stageModules(service: ServicePlan, ep: EndpointPlan): string[] {
  const ids = new Set<string>();
  for (const ns of Object.keys(service.extraConfig)) {
    const id = SERVICE_NAMESPACES[ns];
    if (id && !id.startsWith('telemetry/') && id !== 'zap/listeners' && (ns !== 'security/cors' || krakendCorsLinked(service))) ids.add(id);
  }
  for (const ns of Object.keys(ep.extraConfig)) if (ns !== 'security/cors' || krakendCorsLinked(service)) addIf(ids, ENDPOINT_NAMESPACES[ns]);
  return [...ids];
}
