import type { Plan, ProfileName } from '../../runtime/plan/plan.js';
import { startGateway, type GatewayWiring, type RunningGateway, type StartOptions } from '../../runtime/core/start.js';
import {
  backendStages, backendUpstream, backendWrappers, CODECS, endpointWrappers, endpointFinisher, endpointHandler, endpointMiddleware, extraListeners, HOST_ROUTING, ingressMiddlewareExport, routerMiddleware, type RuntimeExport,
} from '../../cli/codegen/runtime-modules.js';
import { loadDoc, planOf } from './check.js';
import { buildIngressPlan } from '../../cli/plan/ingress-plan.js';
import { withLuaSources } from '../../cli/codegen/lua-sources.js';

/**
 * Starts the runtime in the test process wired exactly as codegen wires it —
 * the same choice functions pick handlers, upstreams, middleware and codecs —
 * for runtime tests that need no bundle. Build tests exercise the real bundle.
 */
const loaded = new Map<string, Record<string, unknown>>();

async function load(e: RuntimeExport): Promise<never> {
  const file = e.from.replace('@hgw/runtime/', '../../runtime/');
  let mod = loaded.get(file);
  if (!mod) {
    mod = (await import(file)) as Record<string, unknown>;
    loaded.set(file, mod);
  }
  const value = mod[e.name];
  if (value === undefined) throw new Error(`${e.from} has no export ${e.name}`);
  return value as never;
}

export async function startRuntime(
  config: unknown,
  options: StartOptions & { routesYaml?: string; profile?: ProfileName } = {},
): Promise<RunningGateway & { url: string; plan: Plan; logs: string[] }> {
  // As hgw build does: Lua sources are read now and travel in the Plan.
  const plan = withLuaSources(planOf(config, options.routesYaml, options.profile), [process.cwd()]);
  const logs: string[] = [];
  const endpoints: GatewayWiring['endpoints'] = [];
  for (const ep of plan.endpoints) {
    const finisher = endpointFinisher(ep);
    endpoints.push({
      plan: ep,
      handler: await load(endpointHandler(ep)),
      backends: await Promise.all(ep.backends.map((b) => load(backendUpstream(b).use))),
      middleware: await Promise.all(endpointMiddleware(ep, plan.service).map(load)),
      stages: await Promise.all(ep.backends.map((b) => Promise.all(backendStages(b).map(load)))),
      wrappers: await Promise.all(endpointWrappers(ep, plan.service).map(load)),
      backendWrappers: await Promise.all(ep.backends.map((b) => Promise.all(backendWrappers(ep, b, plan.service).map(load)))),
      ...(finisher ? { finisher: await load(finisher) } : {}),
    });
  }
  const codecs: Record<string, never> = {};
  for (const [name, c] of Object.entries(CODECS)) if (plan.modules.includes(c.module)) codecs[name] = await load(c.use);
  const wiring: GatewayWiring = {
    build: { hgwVersion: 'test', brand: { name: 'hanzoai/gateway', version: '2.13.8' }, configFile: 'gateway.json', configSha256: plan.source.sha256, hostMap: {}, unimplemented: [] },
    service: plan.service,
    endpoints,
    codecs,
    middleware: [
      ...(await Promise.all(routerMiddleware(plan.service).map(load))),
      ...(plan.routes ? [((await load(HOST_ROUTING)) as (r: typeof plan.routes) => never)(plan.routes)] : []),
    ],
    listeners: await Promise.all(extraListeners(plan.service).map(load)),
  };
  const running = await startGateway(wiring, { port: 0, host: '127.0.0.1', write: (l) => logs.push(l), ...options });
  return { ...running, url: `http://127.0.0.1:${running.port}`, plan, logs };
}

/** An ingress.json served in the test process, wired as codegen wires an `hgw build --ingress` bundle. */
export async function startIngressRuntime(ingress: unknown, options: StartOptions = {}): Promise<RunningGateway & { url: string; plan: Plan; logs: string[] }> {
  const plan = buildIngressPlan(loadDoc(JSON.stringify(ingress, null, 2), 'json', 'ingress.json'));
  const logs: string[] = [];
  const factory = (await load(ingressMiddlewareExport(plan.ingress!.hosts.some((h) => h.auth)))) as (p: typeof plan.ingress) => never;
  const wiring: GatewayWiring = {
    build: { hgwVersion: 'test', brand: { name: 'hanzoai/gateway', version: '2.13.8' }, configFile: 'ingress.json', configSha256: plan.source.sha256, hostMap: {}, unimplemented: [] },
    service: plan.service,
    endpoints: [],
    middleware: [factory(plan.ingress)],
  };
  const running = await startGateway(wiring, { port: 0, host: '127.0.0.1', write: (l) => logs.push(l), ...options });
  return { ...running, url: `http://127.0.0.1:${running.port}`, plan, logs };
}
