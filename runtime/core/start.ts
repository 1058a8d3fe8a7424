import cluster from 'node:cluster';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { DEFAULT_DRAIN_DELAY_MS, type EndpointPlan, type ServicePlan } from '../plan/plan.js';
import { UpstreamPools } from '../upstream/http/pools.js';
import type { BackendStageFactory, Upstream, UpstreamDeps } from '../shared/upstream/upstream.js';
import { branding } from '../shared/branding.js';
import type { EndpointFactory, ProxyWrapperFactory, ResponseFinisherFactory, UpstreamFactory } from './endpoint-context.js';
import { TAKES_UPGRADES, type EndpointMiddlewareFactory, type MiddlewareFactory, type UpgradeAwareMiddleware } from './middleware.js';
import type { GatewayDeps } from '../shared/gateway-deps.js';
import { createRecover, createRequestListener, requestPreamble, type RequestListener, type RoutedEndpoint } from './gateway.js';
import { FastRoutes } from './fast-path/fast-routes.js';
import { fastPathEnabled } from './fast-path/fast-path-switch.js';
import { isFastPathReady } from './fast-path/fast-path-ready.js';
import type { FastPathStats } from './fast-path/fast-listener.js';
import { parseHostMap, type HostMap } from '../shared/host-map.js';
import { createLogger, type ClosableLogger, type Logger, type LogSink } from '../shared/log/logger.js';
import { GatewayServer } from './server.js';
import { Readiness } from './readiness.js';
import { parseGoDurationSeconds } from '../shared/go/go-duration.js';
import { handOver } from './handover.js';
import { wrapOutermostFirst } from '../shared/wrap-outermost-first.js';
import { serviceClientIp } from '../shared/client-ip/service-client-ip.js';
import type { Codecs } from './pipe/codecs.js';
import { probesFor } from './probes.js';

/**
 * What a generated entry hands the runtime: build facts, the service Plan,
 * and per endpoint its Plan plus the factories codegen chose for it.
 */
export interface BuildInfo {
  hgwVersion: string;
  brand: { name: string; version: string };
  configFile: string;
  configSha256: string;
  hostMap: HostMap;
  /** Config features this hgw version does not enforce yet (logged at start-up). */
  unimplemented: string[];
  /** An ingress bundle: the size of its host table, which the start-up line counts instead of endpoints. */
  ingressHosts?: number;
}

export interface WiredEndpoint {
  plan: EndpointPlan;
  handler: EndpointFactory;
  backends: UpstreamFactory[];
  /** Endpoint middleware in order (auth/validator, rate limits, …). */
  middleware?: EndpointMiddlewareFactory[];
  /** Per backend (same index as `backends`), its stages outermost first (circuit breaker, cache, …). */
  stages?: BackendStageFactory[][];
  /** Takes over the answer (auth/signer). */
  finisher?: ResponseFinisherFactory;
  /** Proxy middlewares around the endpoint's pipe (CEL, JSON Schema), outermost first. */
  wrappers?: ProxyWrapperFactory[];
  /** Per backend, proxy middlewares around its proxy (CEL), outermost first. */
  backendWrappers?: ProxyWrapperFactory[][];
}

export interface GatewayWiring {
  build: BuildInfo;
  service: ServicePlan;
  endpoints: WiredEndpoint[];
  /** Encodings beyond JSON the config uses, by name (xml, yaml, negotiate). */
  codecs?: Codecs;
  /** Router middleware, in the edge chain's order (CORS, auth, widget gate, bot detector). */
  middleware?: MiddlewareFactory[];
  /** Extra listeners started once the HTTP server listens (the ZAP surfaces). */
  listeners?: ListenerFactory[];
  /** Log destinations beyond stdout and syslog (telemetry/gelf), made before the first line. */
  logSinks?: LogSinkFactory[];
}

/**
 * A log destination the config names. `report` says a problem of the sink's
 * own (a collector down) through the gateway's log, once per episode, and not
 * from inside the factory: the logger does not exist yet then.
 */
export type LogSinkFactory = (ctx: { service: ServicePlan; report: (line: string) => void }) => LogSink;

/**
 * A listener beside HTTP that serves the same gateway: the gateway's deps, its
 * port, and `enter`, the HTTP server's request entry (probes, draining, the
 * whole chain) for requests that arrive some other way (ZAP), in-process.
 */
export type ListenerFactory = (ctx: GatewayDeps & { port: number; enter: RequestListener }) => Promise<{ close(): Promise<void> }>;

export interface StartOptions {
  /** Overrides the config's port; 0 picks a free one. */
  port?: number;
  /** Listen address; default all interfaces, dual-stack. */
  host?: string;
  /** Enables the debug endpoints (`-d`). */
  debug?: boolean;
  /** Merged over the build's host map. */
  hostMap?: Record<string, string>;
  /** Drain and exit on SIGTERM/SIGINT, reload on SIGHUP (the deployed artifact does; tests do not). */
  handleSignals?: boolean;
  /**
   * After SIGTERM (or `close()`), how long readiness is 503 while the listener
   * still serves, before the drain: Kubernetes' endpoint propagation. SIGINT skips it.
   */
  drainDelayMs?: number;
  /** Where log lines go (default stdout). */
  write?: (line: string) => void;
  /** Environment for env-configured modules (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface RunningGateway {
  port: number;
  log: Logger;
  /** What `/readyz` answers; start-up work and draining set reasons on it. */
  readiness: Readiness;
  /** Re-reads what can change without a restart (TLS keys) and says what it did. */
  reload(): string[];
  /** Drains the server, then releases backend connections. */
  close(): Promise<void>;
  /** The fast path's live counters (requests taken, connections handed to node:http); undefined when it is off. */
  fastPath?: Readonly<FastPathStats>;
}

export async function startGateway(wiring: GatewayWiring, options: StartOptions = {}): Promise<RunningGateway> {
  const { build, service } = wiring;
  const env = options.env ?? process.env;
  let log: ClosableLogger | undefined;
  const sinks = (wiring.logSinks ?? []).map((f) => f({ service, report: (line) => log?.warn(line) }));
  log = createLogger({ ...service.settings['telemetry/logging'], syslogSocket: env.HGW_SYSLOG_SOCKET, write: options.write, sinks });
  const brand = branding(build.brand, service.router.hideVersionHeader);
  const readiness = new Readiness();
  const pools = new UpstreamPools(service.client, service.clientTls);
  const deps: UpstreamDeps = { pools, hostMap: { ...build.hostMap, ...options.hostMap }, log, disableCompression: service.client.disableCompression, dnsCacheTtlMs: service.dnsCacheTtlMs };

  const releases: Array<() => Promise<void>> = [];
  const mwDeps: GatewayDeps = {
    service, brand, log, env, hostMap: deps.hostMap, endpoints: wiring.endpoints.map((ep) => ep.plan), atClose: (release) => releases.push(release),
  };
  // Router middleware first: a factory that refuses the config (the credential-policy boot check) does so before any upstream starts polling.
  const routerMiddleware = (wiring.middleware ?? []).map((f) => f(mwDeps));
  const upstreams: Upstream[] = [];
  const endpoints: RoutedEndpoint[] = wiring.endpoints.map((ep) => {
    const own = ep.backends.map((factory, i) => {
      const backend = ep.plan.backends[i]!;
      return wrapOutermostFirst(ep.stages?.[i] ?? [], factory(backend, deps), (stage, next) => stage(backend, deps, next));
    });
    upstreams.push(...own);
    const finisher = ep.finisher?.(ep.plan);
    const endpointWrappers = (ep.wrappers ?? []).map((f) => f(ep.plan, undefined, mwDeps));
    const backendWrappers = ep.backendWrappers?.map((list, i) => list.map((f) => f(ep.plan, ep.plan.backends[i], mwDeps)));
    const handler = ep.handler(ep.plan, { service, brand, log, upstreams: own, codecs: wiring.codecs ?? {}, finisher, endpointWrappers, backendWrappers });
    return { plan: ep.plan, handler, middleware: (ep.middleware ?? []).map((f) => f(ep.plan, mwDeps)) };
  });
  // Upstreams that must learn their cluster first (base_ha's first leader poll) get that long; each source bounds its own wait.
  await readiness.track('upstreams', upstreams.map((u) => u.ready));
  const upgrades = routerMiddleware.some((m) => (m as UpgradeAwareMiddleware)[TAKES_UPGRADES] === true);
  const debug = service.debugEndpoint || options.debug === true;
  const clientIp = serviceClientIp(service, env);
  const listener = createRequestListener(service, brand, endpoints, { debug, log, middleware: routerMiddleware, readiness, ...(clientIp ? { clientIp } : {}) });
  const probes = probesFor(service);
  // The fast path serves no-op endpoints behind router middleware it can run (the hanzo edge, KrakenD's security/http, CORS, bot detector);
  // any other router middleware keeps every request on node:http.
  const edgeReady = routerMiddleware.every((m) => isFastPathReady(m));
  const recover = createRecover(service, brand, log);
  const fastRoutes = fastPathEnabled(env) && edgeReady ? FastRoutes.build(service, endpoints, debug, probes, recover) : undefined;
  const fastPath = fastRoutes && { routes: fastRoutes, recover, preamble: requestPreamble(service, log, clientIp), middleware: routerMiddleware };
  const server = new GatewayServer(service, listener, { upgrades, readiness, probes, ...(fastPath ? { fastPath } : {}) });
  const address = await server.listen({ port: options.port ?? service.port, host: options.host ?? service.listenIp });

  const started = await Promise.allSettled((wiring.listeners ?? []).map((f) => f({ ...mwDeps, port: address.port, enter: (req, res) => void server.server.emit('request', req, res) })));
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    // A gateway that cannot open all its listeners does not half-run: close what did open, then report.
    await Promise.allSettled(started.map((r) => (r.status === 'fulfilled' ? r.value.close() : undefined)));
    await server.drain();
    await Promise.allSettled(upstreams.map((u) => u.close()));
    await pools.close();
    await Promise.allSettled(releases.map((release) => release()));
    log.close();
    throw failed.reason;
  }
  const extra = started.map((r) => (r as PromiseFulfilledResult<{ close(): Promise<void> }>).value);
  for (const feature of build.unimplemented) log.warn(`${feature}: configured but not enforced by hgw ${build.hgwVersion}`);
  const mapped = Object.keys(deps.hostMap);
  if (mapped.length > 0) log.info(`host map: ${mapped.map((k) => `${k} → ${deps.hostMap[k]}`).join(', ')}`);

  let closing: Promise<void> | undefined;
  const drainDelayMs = options.drainDelayMs ?? 0;
  const close = (delayMs = drainDelayMs) =>
    (closing ??= leaveThenDrain(server, delayMs, log).then(async () => {
      await Promise.allSettled(extra.map((l) => l.close()));
      await Promise.allSettled(upstreams.map((u) => u.close()));
      await pools.close();
      await Promise.allSettled(releases.map((release) => release()));
      log.info('server stopped');
      log.close();
    }));
  const reload = (): string[] => {
    try {
      return server.reloadTls() ? ['tls key pairs and CAs'] : [];
    } catch (e) {
      // Unreadable new files leave the served ones in place.
      log.error(`tls reload failed, keeping the current keys: ${(e as Error).message}`);
      return [];
    }
  };
  if (options.handleSignals) {
    // Errors that escape a request's own handling (a stage's async callback) are logged, not fatal:
    // one bad request must not take every other request down with the process.
    process.on('uncaughtException', (e) => log.error(`uncaught: ${e.stack ?? e.message}`));
    process.on('unhandledRejection', (e) => log.error(`unhandled rejection: ${(e as Error)?.stack ?? String(e)}`));
    // A second *signal* exits at once; a drain the supervisor asked for (hgw run's stop, a reload's hand-over) does not count as one,
    // so Ctrl-C reaching both hgw run and its worker still drains.
    let signalled = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (signalled) {
        log.warn(`${signal} again: exiting without waiting`);
        process.exit(1);
      }
      signalled = true;
      // Ctrl-C is a person at a terminal, not an orchestrator that still routes traffic here.
      const delay = signal === 'SIGINT' ? 0 : drainDelayMs;
      // Readiness turns 503 inside close(), before anything else (even this log line) happens.
      const stopped = close(delay);
      log.info(`${signal} received: ${delay > 0 ? `not ready; serving ${delay} ms more, then ` : ''}draining (running requests finish, new ones get 503)`);
      void stopped.then(() => process.exit(0));
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    // SIGHUP never stops the process (Node's default would exit 129): it reloads what can be reloaded.
    process.on('SIGHUP', () => {
      const done = reload();
      // A routes source (GATEWAY_ROUTES_FILE, KMS) listens for SIGHUP itself and logs its own reload.
      if (process.listenerCount('SIGHUP') > 1) done.push('routes table from its source');
      log.info(`SIGHUP: ${done.length > 0 ? `reloading ${done.join(', ')}` : 'nothing to reload (no tls, no routes source)'}; still serving`);
    });
    // Under `hgw run`'s supervisor: stop, or hand traffic over to a reloaded gateway, on its word.
    if (process.send) process.on('message', (m: { hgw?: string }) => onSupervisor(m, server, () => close(), log));
  }
  // Last, once every signal handler is in place: tests and supervisors take this line as "up".
  const serving = build.ingressHosts === undefined ? `${endpoints.length} endpoint(s)` : `${build.ingressHosts} host(s)`;
  log.info(`${service.name || 'gateway'}: ${serving} listening on port ${address.port}${service.tls ? ' (https)' : service.useH2c ? ' (http, h2c)' : ''} (config sha256 ${build.configSha256.slice(0, 12)})`);
  const running: RunningGateway = { port: address.port, log, readiness, reload, close: () => close() };
  if (server.fastPathStats) running.fastPath = server.fastPathStats;
  return running;
}

/** The gateway's logger as `telemetry/logging` sets it (level, prefix, format), for the worker supervisor's lines. */
function serviceLogger(service: ServicePlan, write?: (line: string) => void): Logger {
  return createLogger({ ...service.settings['telemetry/logging'], write });
}

/** Readiness 503 first, the listener still serving for `delayMs`; then the drain. */
async function leaveThenDrain(server: GatewayServer, delayMs: number, log: Logger): Promise<void> {
  server.leave();
  if (delayMs > 0) {
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    log.info('drain delay over: closing the listener');
  }
  await server.drain();
}

/** `HGW_DRAIN_DELAY` / `--drain-delay`: a Go duration (`5s`, `500ms`); the bundle's default is DEFAULT_DRAIN_DELAY_MS. */
export function parseDrainDelay(text: string | undefined): number {
  if (text === undefined) return DEFAULT_DRAIN_DELAY_MS;
  const seconds = parseGoDurationSeconds(text.trim());
  // An hour is far beyond any grace period; a bigger value is a typo.
  if (seconds === undefined || seconds < 0 || seconds > 3600) throw new Error(`invalid drain delay ${JSON.stringify(text)} (want a duration such as 5s, 0 for none)`);
  return Math.round(seconds * 1000);
}

/** How long a handed-over gateway waits for clients to use (and so close) their idle kept-alive connections. */
const HANDOVER_GRACE_MS = 2000;

function onSupervisor(m: { hgw?: string }, server: GatewayServer, close: () => Promise<void>, log: Logger): void {
  if (m?.hgw === 'handover') {
    log.info('reload: handing over to the new gateway (running requests finish; connections close after their next answer)');
    void handOver(server, close, HANDOVER_GRACE_MS).then(() => process.exit(0));
  } else if (m?.hgw === 'stop') {
    log.info('stop: draining (running requests finish, new ones get 503)');
    void close().then(() => process.exit(0));
  }
}

/** `node gateway.mjs [-p port] [-d] [--host-map from=to …]`; HGW_HOST_MAP and HGW_PORT work too. */
export async function main(wiring: GatewayWiring, argv: string[], env: NodeJS.ProcessEnv): Promise<void> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        port: { type: 'string', short: 'p' },
        debug: { type: 'boolean', short: 'd', multiple: true },
        'host-map': { type: 'string', multiple: true },
        workers: { type: 'string', short: 'w' },
        'drain-delay': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\nusage: node gateway.mjs [-p port] [-d] [-w workers] [--drain-delay 5s] [--host-map http://from=http://to …]\n`);
    process.exit(2);
  }
  if (args.help) {
    process.stdout.write('usage: node gateway.mjs [-p port] [-d] [-w workers] [--drain-delay 5s] [--host-map http://from=http://to …]\nenv: HGW_PORT, HGW_HOST_MAP, HGW_WORKERS, HGW_DRAIN_DELAY\n');
    return;
  }
  try {
    const portText = args.port ?? env.HGW_PORT;
    const port = portText === undefined ? undefined : Number(portText);
    if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536)) throw new Error(`invalid port ${JSON.stringify(portText)}`);
    const hostMap = { ...(env.HGW_HOST_MAP ? parseHostMap(env.HGW_HOST_MAP) : {}), ...(args['host-map'] ? parseHostMap(args['host-map']) : {}) };
    const workersText = args.workers ?? env.HGW_WORKERS;
    const workers = workersText === undefined ? 1 : Number(workersText);
    if (!(Number.isInteger(workers) && workers >= 1 && workers <= 64)) throw new Error(`invalid worker count ${JSON.stringify(workersText)}`);
    const drainDelayMs = parseDrainDelay(args['drain-delay'] ?? env.HGW_DRAIN_DELAY);
    if (workers > 1 && cluster.isPrimary) {
      superviseWorkers(workers, serviceLogger(wiring.service));
      return;
    }
    const running = await startGateway(wiring, { port, debug: (args.debug?.length ?? 0) > 0, hostMap, handleSignals: true, drainDelayMs });
    process.send?.({ hgw: 'ready', port: running.port });
  } catch (e) {
    process.stderr.write(`gateway: ${(e as Error).message}\n`);
    // A supervisor (hgw run) hears why before the exit; IPC is asynchronous, so exit once it is sent.
    if (process.send) process.send({ hgw: 'failed', message: (e as Error).message }, () => process.exit(1));
    else process.exit(1);
  }
}

/**
 * `-w N`: N worker processes share the port through node:cluster (Node 20 has
 * no reusePort; the primary hands connections out round-robin on Linux). The
 * primary only supervises: a worker that dies is replaced; SIGTERM/SIGINT are
 * passed on, and the primary exits once every worker has drained; SIGHUP is
 * passed on too.
 */
function superviseWorkers(count: number, log: Logger): void {
  let stopping = false;
  cluster.setupPrimary({ execArgv: workerExecArgv(process.execArgv, process.env.NODE_OPTIONS) });
  const fork = () => cluster.fork();
  for (let i = 0; i < count; i++) fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    log.warn(`worker ${worker.process.pid} ${signal ? `killed by ${signal}` : `exited with code ${code}`}; starting another`);
    fork();
  });
  const stop = (signal: NodeJS.Signals) => {
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill(signal);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // SIGHUP reloads a routes table (GATEWAY_ROUTES_FILE / KMS) in every worker.
  process.on('SIGHUP', () => {
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGHUP');
  });
}

/**
 * Workers get V8's young generation capped at 4 MB semi-spaces unless the
 * operator chose a size: a proxy allocates fast but keeps little, and the
 * default (16 MB on a large machine) lets each worker sit ~30 MB higher for no
 * measurable CPU gain (bench/results/suite.md). A single process cannot change
 * its own heap layout after start, so there the README recommends the flag.
 */
export function withYoungGenerationCap(execArgv: readonly string[], nodeOptions = ''): string[] {
  const chosen = [...execArgv, ...nodeOptions.split(/\s+/)].some((a) => a.startsWith('--max-semi-space-size') || a.startsWith('--semi-space-size'));
  return chosen ? [...execArgv] : [...execArgv, `--max-semi-space-size=${YOUNG_SEMI_SPACE_MB}`];
}
export const YOUNG_SEMI_SPACE_MB = 4;

/**
 * A worker's flags: the young-generation cap, and V8's garbage collector on
 * the worker's own thread (`--single-threaded-gc`) unless the operator chose
 * how GC threads run. Workers are one per core: V8's GC helper threads would
 * compete with the other workers' event loops for those cores, and pinned to
 * one core a worker's own helpers took up to a full core's worth of waiting
 * (bench/results/suite.md, the CPU-wait column: 70–108 % on POST 16 KB
 * without, 4–10 % with, and a lower CPU cost per request).
 */
export function workerExecArgv(execArgv: readonly string[], nodeOptions = ''): string[] {
  const flags = withYoungGenerationCap(execArgv, nodeOptions);
  const chosen = [...execArgv, ...nodeOptions.split(/\s+/)].some((a) => /^--(no-)?(single[-_]threaded[-_]gc|parallel[-_](scavenge|marking|compaction)|concurrent[-_]marking)\b/.test(a));
  return chosen ? flags : [...flags, '--single-threaded-gc'];
}

/** True when the module at `metaUrl` is the script node was started with. */
export function isMainModule(metaUrl: string): boolean {
  // A cluster worker runs the same script as its primary.
  const script = process.argv[1];
  return script !== undefined && pathToFileURL(script).href === metaUrl;
}
