import type { Plan, ProfileName } from '../../runtime/plan/plan.js';
import { startGateway, type GatewayWiring, type RunningGateway, type StartOptions } from '../../runtime/core/start.js';
import { ingressMiddlewareExport, type RuntimeExport } from '../../cli/codegen/runtime-modules.js';
import { planWiring, type WiredExport } from '../../cli/codegen/plan-wiring.js';
import { loadDoc, planOf } from './check.js';
import { buildIngressPlan } from '../../cli/plan/ingress-plan.js';
import { withLuaSources } from '../../cli/codegen/lua-sources.js';

/**
 * Starts the runtime in the test process wired from the same spec codegen
 * prints (cli/codegen/plan-wiring.ts) — handlers, upstreams, stages,
 * middleware, listeners and codecs — for runtime tests that need no bundle.
 * Build tests exercise the real bundle.
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
  // The same wiring spec codegen prints as entry.ts; plugins are not bundled here, so PLUGINS is empty.
  const spec = planWiring(plan, 'test');
  const tables = { PLUGINS: [], ROUTES: plan.routes, INGRESS: plan.ingress };
  const wired = async (w: WiredExport): Promise<never> => {
    const value = await load(w.use);
    return (w.with ? (value as (arg: unknown) => never)(tables[w.with]) : value) as never;
  };
  const endpoints: GatewayWiring['endpoints'] = [];
  for (const ew of spec.endpoints) {
    endpoints.push({
      plan: ew.plan,
      handler: await load(ew.handler),
      backends: await Promise.all(ew.backends.map(wired)),
      middleware: await Promise.all(ew.middleware.map(load)),
      stages: await Promise.all(ew.stages.map((list) => Promise.all(list.map(wired)))),
      wrappers: await Promise.all(ew.wrappers.map(load)),
      backendWrappers: await Promise.all(ew.backendWrappers.map((list) => Promise.all(list.map(load)))),
      ...(ew.finisher ? { finisher: await load(ew.finisher) } : {}),
    });
  }
  const codecs: Record<string, never> = {};
  for (const [name, use] of spec.codecs) codecs[name] = await load(use);
  const wiring: GatewayWiring = {
    build: { hgwVersion: 'test', brand: { name: 'hanzoai/gateway', version: '2.13.8' }, configFile: 'gateway.json', configSha256: plan.source.sha256, hostMap: {}, unimplemented: spec.unimplemented },
    service: spec.service,
    endpoints,
    codecs,
    middleware: await Promise.all(spec.router.map(wired)),
    listeners: await Promise.all(spec.listeners.map(load)),
    logSinks: await Promise.all(spec.logSinks.map(load)),
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
