/**
 * Plan → wiring, as data: for every slot of the generated entry, the runtime
 * export that fills it (and the table a factory of factories is called with).
 * `generate-entry.ts` prints this as entry.ts; the test helper that starts the
 * runtime in-process wires from the same data, so tests run what builds run
 * (issue 17 point 5). No strings of code here.
 */
import { basename } from 'node:path';
import type { BackendPlan, EndpointPlan, Plan, ServicePlan } from '../../runtime/plan/plan.js';
import { HgwError } from '../errors.js';
import { EXPORTS } from '../plan/module-registry.js';
import { stageModules } from '../plan/modules.js';
import { unparsedExtraConfig } from '../plan/module-settings.js';
import {
  backendStages, backendUpstream, backendWrappers, CODECS, endpointFinisher, endpointHandler, endpointMiddleware, endpointWrappers, extraListeners, HOST_ROUTING, IMPLEMENTED, ingressMiddlewareExport, logSinks, REQUIRED, routerMiddleware, type RuntimeExport,
} from './runtime-modules.js';

/** An export used as it is, or called first with one of the entry's tables. */
export interface WiredExport {
  use: RuntimeExport;
  /** `PLUGINS`: the bundled plugins; `ROUTES`: the host table; `INGRESS`: the ingress table. */
  with?: 'PLUGINS' | 'ROUTES' | 'INGRESS';
}

export interface EndpointWiring {
  /** The endpoint's Plan as the bundle carries it: an endpoint-level req-resp-modifier moved onto its one backend, parsed namespaces as settings only. */
  plan: EndpointPlan;
  /** What a reader of entry.ts is told above the endpoint: route, handler, stages, backends, source position. */
  notes: string[];
  handler: RuntimeExport;
  backends: WiredExport[];
  middleware: RuntimeExport[];
  wrappers: RuntimeExport[];
  backendWrappers: RuntimeExport[][];
  stages: WiredExport[][];
  finisher?: RuntimeExport;
}

export interface WiringSpec {
  /** The service's Plan as the bundle carries it (parsed namespaces as settings only). */
  service: ServicePlan;
  endpoints: EndpointWiring[];
  /** Router middleware in order: server plugins, the edge chain, then host routing or the ingress. */
  router: WiredExport[];
  listeners: RuntimeExport[];
  /** Log destinations beyond stdout and syslog (GELF). */
  logSinks: RuntimeExport[];
  codecs: Array<[name: string, use: RuntimeExport]>;
  /** Config features this version does not enforce. */
  unimplemented: string[];
}

export function planWiring(plan: Plan, hgwVersion: string): WiringSpec {
  const missing = plan.modules.filter((m) => REQUIRED.has(m));
  if (missing.length > 0) {
    throw new HgwError('HGW_UNSUPPORTED', missing.map((m) => `${m} is not available in hgw ${hgwVersion}: ${REQUIRED.get(m)}`).join('\n'));
  }
  const codecModules = new Set(Object.values(CODECS).map((c) => c.module));
  const endpoints = plan.endpoints.map((original): EndpointWiring => {
    const ep = withEndpointModifiers(original);
    const handler = endpointHandler(ep);
    const notes = [`${ep.method} ${ep.endpoint} → ${handler.name} (${ep.outputEncoding}), timeout ${ep.timeoutMs} ms`];
    const stageIds = stageModules(plan.service, ep).map((id) => (IMPLEMENTED.has(id) ? id : `${id} (not enforced yet)`));
    notes.push(`stages: ${stageIds.length > 0 ? stageIds.join(' → ') : 'none'}`);
    const backends = ep.backends.map((be): WiredExport => {
      if (be.extraConfig['plugin/http-client'] !== undefined) {
        notes.push(`backend ${be.index}: ${be.method} ${be.urlPattern} answered by client plugin ${JSON.stringify((be.extraConfig['plugin/http-client'] as { name?: unknown }).name)}`);
        return { use: EXPORTS.clientPlugins, with: 'PLUGINS' };
      }
      const chosen = backendUpstream(be);
      notes.push(`backend ${be.index}: ${be.method} ${be.hosts.join(' | ') || '(no host)'}${be.urlPattern} via ${chosen.use.name}${chosen.note ? ` — ${chosen.note}` : ''}`);
      return { use: chosen.use };
    });
    notes.push(`${basename(plan.source.file)}:${ep.source.line}:${ep.source.column}`);
    const finisher = endpointFinisher(ep);
    return {
      plan: { ...ep, extraConfig: unparsedExtraConfig('endpoint', ep.extraConfig, ep.settings), backends: ep.backends.map(bundledBackend) },
      notes,
      handler,
      backends,
      middleware: endpointMiddleware(ep, plan.service),
      wrappers: endpointWrappers(ep, plan.service),
      backendWrappers: ep.backends.map((be) => backendWrappers(ep, be, plan.service)),
      stages: ep.backends.map((be) => [
        ...(be.extraConfig['plugin/req-resp-modifier'] !== undefined ? [{ use: EXPORTS.modifierPlugins, with: 'PLUGINS' as const }] : []),
        ...backendStages(be).map((use) => ({ use })),
      ]),
      ...(finisher ? { finisher } : {}),
    };
  });
  const router: WiredExport[] = [
    ...(plan.service.extraConfig['plugin/http-server'] !== undefined ? [{ use: EXPORTS.serverPlugins, with: 'PLUGINS' as const }] : []),
    ...routerMiddleware(plan.service).map((use) => ({ use })),
    // Host routing comes last: it is the routing step of the edge chain.
    ...(plan.routes ? [{ use: HOST_ROUTING, with: 'ROUTES' as const }] : []),
    ...(plan.ingress ? [{ use: ingressMiddlewareExport(plan.ingress.hosts.some((h) => h.auth)), with: 'INGRESS' as const }] : []),
  ];
  return {
    service: { ...plan.service, extraConfig: unparsedExtraConfig('service', plan.service.extraConfig, plan.service.settings) },
    endpoints,
    router,
    listeners: extraListeners(plan.service),
    logSinks: logSinks(plan.service),
    codecs: Object.entries(CODECS).filter(([, c]) => plan.modules.includes(c.module)).map(([name, c]) => [name, c.use]),
    unimplemented: plan.modules.filter((m) => !IMPLEMENTED.has(m) && !codecModules.has(m)),
  };
}

/**
 * Endpoint-level `plugin/req-resp-modifier`: KrakenD runs it around the whole
 * proxy (the merged response). With one backend that is the same as running
 * it around that backend, which is what hgw links; with several it is refused
 * rather than run with different semantics.
 */
function withEndpointModifiers(ep: EndpointPlan): EndpointPlan {
  const modifier = ep.extraConfig['plugin/req-resp-modifier'];
  if (modifier === undefined) return ep;
  if (ep.backends.length !== 1) {
    throw new HgwError('HGW_UNSUPPORTED', `${ep.method} ${ep.endpoint}: an endpoint-level plugin/req-resp-modifier needs exactly one backend in hgw (put it on the backends instead)`);
  }
  const backend = ep.backends[0]!;
  if (backend.extraConfig['plugin/req-resp-modifier'] !== undefined) return ep;
  return { ...ep, backends: [{ ...backend, extraConfig: { ...backend.extraConfig, 'plugin/req-resp-modifier': modifier } }] };
}

function bundledBackend(be: BackendPlan): BackendPlan {
  return { ...be, extraConfig: unparsedExtraConfig('backend', be.extraConfig, be.settings) };
}
