import { createHash } from 'node:crypto';
import type {
  BackendPlan, EndpointPlan, FlatmapOp, Plan, ProfileName, ProfilePlan, ProxyPlan, RouterPlan, RoutesPlan, ServicePlan, UpstreamPlan,
} from '../../runtime/plan/plan.js';
import { PLAN_SCHEMA } from '../../runtime/plan/plan.js';
import { parseGoDuration } from '../config/duration.js';
import { endpointParams, ginPath } from '../config/endpoint-path.js';
import { canonicalHeaderKey } from '../config/headers.js';
import { arr, bool, endpoints as endpointRefs, backends as backendRefs, isObj, NS, num, obj, str, strs, type Obj } from '../config/view.js';
import type { LoadedDocument } from '../load/document.js';
import { LEGACY_NAMESPACES } from '../validate/known-exceptions.js';
import { sanitizeHost } from '../config/hosts.js';
import { clientTlsPlan, serverTlsPlan } from '../config/tls.js';
import { modulesFor, settingsNotEnforced } from './modules.js';
import { levelSettings } from './module-settings.js';
import { resolveEdge, resolveProfile } from './profile.js';
import { routesPlan } from '../../runtime/routes/routes-plan.js';

/** Lura's defaults (config.go) and the Go gateway's, in one place. */
export const DEFAULTS = {
  port: 8080,
  timeoutMs: 2000,
  outputEncoding: 'json',
  maxIdleConnectionsPerHost: 250,
  healthPath: '/__health',
  baseHa: { leaderPollIntervalMs: 1000, readYourWritesTtlMs: 5000, writeMethods: ['POST', 'PUT', 'PATCH', 'DELETE'] },
  baseNetwork: { memberPollIntervalMs: 5000, memberUrlTemplate: 'http://{id}.{service}:{port}' },
  zap: { nodeId: 'gateway', serviceType: '_hanzo._tcp', port: 9999, timeoutMs: 5000 },
} as const;

function ms(value: unknown, fallback: number): number {
  const s = str(value);
  if (s === undefined) return fallback;
  const d = parseGoDuration(s);
  return d.ok ? d.ms : fallback;
}

/** A zero or negative timeout falls back, as in Lura. */
function positiveMs(value: unknown, fallback: number): number {
  const v = ms(value, fallback);
  return v > 0 ? v : fallback;
}

/** Rewrites legacy long namespaces to their short names so runtime modules look in one place. */
function normalizeExtraConfig(o: Obj): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj(o.extra_config))) {
    if (/^[@$_#]/.test(k)) continue;
    const short = LEGACY_NAMESPACES[k] ?? k;
    if (short in out && short !== k) continue; // the short form wins when both are present
    out[short] = v;
  }
  return out;
}

function routerPlan(extra: Record<string, unknown>): RouterPlan {
  const r = obj(extra.router);
  const errorBody = obj(r.error_body);
  return {
    returnErrorMsg: bool(r.return_error_msg),
    errorBody: {
      ...('404' in errorBody ? { '404': errorBody['404'] } : {}),
      ...('405' in errorBody ? { '405': errorBody['405'] } : {}),
    },
    hideVersionHeader: bool(r.hide_version_header),
    disableHealth: bool(r.disable_health),
    healthPath: str(r.health_path) ?? DEFAULTS.healthPath,
    disableAccessLog: bool(r.disable_access_log),
    loggerSkipPaths: strs(r.logger_skip_paths),
    disableRedirectTrailingSlash: bool(r.disable_redirect_trailing_slash),
    disableRedirectFixedPath: bool(r.disable_redirect_fixed_path),
    disableHandleMethodNotAllowed: bool(r.disable_handle_method_not_allowed),
    removeExtraSlash: bool(r.remove_extra_slash),
    disablePathDecoding: bool(r.disable_path_decoding),
    autoOptions: bool(r.auto_options),
    maxPayload: Math.max(0, num(r.max_payload) ?? 0),
    forwardedByClientIp: r.forwarded_by_client_ip === undefined ? true : bool(r.forwarded_by_client_ip),
    remoteIpHeaders: r.remote_ip_headers === undefined ? ['X-Forwarded-For', 'X-Real-IP'] : strs(r.remote_ip_headers).map(canonicalHeaderKey),
    trustedProxies: strs(r.trusted_proxies),
  };
}

export function servicePlan(c: Obj, profile: ProfilePlan = resolveProfile(normalizeExtraConfig(c))): ServicePlan {
  const extraConfig = normalizeExtraConfig(c);
  const plugin = obj(c.plugin);
  const svc: ServicePlan = {
    name: str(c.name) ?? '',
    profile,
    port: num(c.port) ?? DEFAULTS.port,
    timeoutMs: positiveMs(c.timeout, DEFAULTS.timeoutMs),
    cacheTtlMs: ms(c.cache_ttl, 0),
    outputEncoding: str(c.output_encoding) ?? DEFAULTS.outputEncoding,
    host: strs(c.host).map(sanitizeHost),
    debugEndpoint: bool(c.debug_endpoint),
    echoEndpoint: bool(c.echo_endpoint),
    disableRest: bool(c.disable_rest),
    sequentialStart: bool(c.sequential_start),
    server: {
      readTimeoutMs: ms(c.read_timeout, 0),
      writeTimeoutMs: ms(c.write_timeout, 0),
      idleTimeoutMs: ms(c.idle_timeout, 0),
      readHeaderTimeoutMs: ms(c.read_header_timeout, 0),
      maxHeaderBytes: num(c.max_header_bytes) ?? 0,
      maxShutdownWaitMs: ms(c.max_shutdown_wait_time, 0),
    },
    client: {
      disableKeepAlives: bool(c.disable_keep_alives),
      disableCompression: bool(c.disable_compression),
      maxIdleConnections: num(c.max_idle_connections) ?? 0,
      maxIdleConnectionsPerHost: num(c.max_idle_connections_per_host) ?? DEFAULTS.maxIdleConnectionsPerHost,
      idleConnectionTimeoutMs: ms(c.idle_connection_timeout, 0),
      responseHeaderTimeoutMs: ms(c.response_header_timeout, 0),
      expectContinueTimeoutMs: ms(c.expect_continue_timeout, 0),
      dialerTimeoutMs: ms(c.dialer_timeout, 0),
      dialerKeepAliveMs: ms(c.dialer_keep_alive, 0),
    },
    router: routerPlan(extraConfig),
    dnsCacheTtlMs: Math.max(1000, positiveMs(c.dns_cache_ttl, 30_000)),
    extraConfig,
    settings: levelSettings('service', extraConfig),
  };
  if (str(c.listen_ip)) svc.listenIp = str(c.listen_ip)!;
  const tls = serverTlsPlan(c.tls);
  if (tls) svc.tls = tls;
  const clientTls = clientTlsPlan(c.client_tls);
  if (clientTls) svc.clientTls = clientTls;
  if (bool(c.use_h2c) || bool(obj(extraConfig.router).use_h2c)) svc.useH2c = true;
  if (str(plugin.folder) || str(plugin.pattern)) svc.plugin = { folder: str(plugin.folder) ?? './', pattern: str(plugin.pattern) ?? '' };
  return svc;
}

function flatmap(v: unknown): FlatmapOp[] | undefined {
  if (!Array.isArray(v)) return undefined;
  return v.filter(isObj).map((op) => ({ type: (str(op.type) ?? 'move') as FlatmapOp['type'], args: strs(op.args) }));
}

function proxyPlan(extra: Record<string, unknown>): ProxyPlan {
  const p = obj(extra.proxy);
  const plan: ProxyPlan = {
    sequential: bool(p.sequential),
    sequentialPropagatedParams: strs(p.sequential_propagated_params),
  };
  if (isObj(p.static)) {
    const strategy = (str(p.static.strategy) ?? 'always') as NonNullable<ProxyPlan['static']>['strategy'];
    plan.static = { strategy, data: obj(p.static.data) };
  }
  const fm = flatmap(p.flatmap_filter);
  if (fm) plan.flatmapFilter = fm;
  if (str(p.combiner)) plan.combiner = str(p.combiner)!;
  return plan;
}

function upstreamPlan(extra: Record<string, unknown>): UpstreamPlan {
  const ha = extra[NS.baseHa];
  if (isObj(ha)) {
    const methods = strs(ha.write_methods).map((m) => m.trim().toUpperCase()).filter(Boolean);
    const up: UpstreamPlan = {
      kind: 'base_ha',
      serviceDns: str(ha.service_dns) ?? '',
      port: num(ha.port) ?? 0,
      leaderPollIntervalMs: ms(ha.leader_poll_interval, DEFAULTS.baseHa.leaderPollIntervalMs),
      writeMethods: methods.length ? [...new Set(methods)] : [...DEFAULTS.baseHa.writeMethods],
      readYourWritesTtlMs: ms(ha.read_your_writes_ttl, DEFAULTS.baseHa.readYourWritesTtlMs),
    };
    if (str(ha.read_your_writes_store)) up.readYourWritesStore = str(ha.read_your_writes_store)!;
    return up;
  }
  const net = extra[NS.baseNetwork];
  if (isObj(net)) {
    const poll = num(net.member_poll_interval_ms);
    return {
      kind: 'base-network',
      shardKey: str(net.shard_key) ?? '',
      shardKeySource: str(net.shard_key_source) ?? '',
      memberPollIntervalMs: poll !== undefined && poll > 0 ? poll : DEFAULTS.baseNetwork.memberPollIntervalMs,
      memberUrlTemplate: str(net.member_url_template) ?? DEFAULTS.baseNetwork.memberUrlTemplate,
    };
  }
  const zap = extra[NS.zap];
  if (isObj(zap)) {
    const timeout = num(zap.timeout_ms);
    return {
      kind: 'zap',
      nodeId: str(zap.node_id) || DEFAULTS.zap.nodeId,
      peerId: str(zap.peer_id) ?? '',
      peerAddr: str(zap.peer_addr) ?? '',
      serviceType: str(zap.service_type) || DEFAULTS.zap.serviceType,
      port: num(zap.port) ?? DEFAULTS.zap.port,
      timeoutMs: timeout !== undefined && timeout > 0 ? timeout : DEFAULTS.zap.timeoutMs,
      noDiscovery: bool(zap.no_discovery),
      envelope: str(zap.envelope) === 'http' ? 'http' : 'forward',
    };
  }
  return { kind: 'http' };
}

function backendPlan(b: Obj, index: number, ep: { method: string; outputEncoding: string }, service: ServicePlan): BackendPlan {
  const extraConfig = normalizeExtraConfig(b);
  const disableHostSanitize = bool(b.disable_host_sanitize);
  const rawHosts = Array.isArray(b.host) && b.host.length > 0 ? strs(b.host) : service.host;
  const http = obj(extraConfig['backend/http']);
  const proxy = obj(extraConfig.proxy);
  const plan: BackendPlan = {
    index,
    urlPattern: str(b.url_pattern) ?? '',
    method: (str(b.method) ?? ep.method).toUpperCase(),
    hosts: disableHostSanitize ? rawHosts : rawHosts.map(sanitizeHost),
    disableHostSanitize,
    // An endpoint no-op forces the backend to no-op too (Lura).
    encoding: ep.outputEncoding === 'no-op' ? 'no-op' : (str(b.encoding) ?? 'json').toLowerCase(),
    isCollection: bool(b.is_collection),
    sd: str(b.sd) ?? 'static',
    sdScheme: str(b.sd_scheme) ?? 'http',
    upstream: upstreamPlan(extraConfig),
    returnErrorCode: bool(http.return_error_code),
    shadow: bool(proxy.shadow),
    extraConfig,
    settings: levelSettings('backend', extraConfig),
  };
  if (str(b.target)) plan.target = str(b.target)!;
  if (Array.isArray(b.allow)) plan.allow = strs(b.allow);
  if (Array.isArray(b.deny)) plan.deny = strs(b.deny);
  if (isObj(b.mapping)) plan.mapping = Object.fromEntries(Object.entries(b.mapping).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
  if (str(b.group)) plan.group = str(b.group)!;
  if (Array.isArray(b.input_headers)) plan.inputHeaders = strs(b.input_headers).map((h) => (h === '*' ? h : canonicalHeaderKey(h)));
  if (Array.isArray(b.input_query_strings)) plan.inputQueryStrings = strs(b.input_query_strings);
  if (str(http.return_error_details)) plan.returnErrorDetails = str(http.return_error_details)!;
  const fm = flatmap(proxy.flatmap_filter);
  if (fm) plan.flatmapFilter = fm;
  return plan;
}

export interface PlanInputs {
  gateway: LoadedDocument;
  routes?: LoadedDocument;
  /** `--profile`: wins over the config's key. */
  profile?: ProfileName;
  /** The profile when neither the flag nor the config names one (hanzo; runtime tests of KrakenD modules pass krakend). */
  profileDefault?: ProfileName;
}

/** Builds the Plan from documents that passed check with no errors. */
export function buildPlan({ gateway, routes, profile, profileDefault }: PlanInputs): Plan {
  const c = obj(gateway.value);
  const service = servicePlan(c, resolveProfile(normalizeExtraConfig(c), profile, profileDefault));
  const endpoints: EndpointPlan[] = endpointRefs(gateway.value).map((ref) => {
    const e = ref.value;
    const path = str(e.endpoint) ?? '/';
    const extraConfig = normalizeExtraConfig(e);
    const method = (str(e.method) ?? 'GET').toUpperCase();
    const outputEncoding = str(e.output_encoding) ?? service.outputEncoding;
    const cacheTtl = ms(e.cache_ttl, 0);
    const headers = Array.isArray(e.input_headers) && e.input_headers.length > 0
      ? strs(e.input_headers).map((h) => (h === '*' ? h : canonicalHeaderKey(h)))
      : ['Content-Type'];
    const pos = gateway.sourceMap.keyRange(ref.pointer).start;
    return {
      index: ref.index,
      endpoint: path,
      route: ginPath(path, service.disableRest),
      method,
      params: endpointParams(path, service.disableRest),
      timeoutMs: positiveMs(e.timeout, service.timeoutMs),
      cacheTtlMs: cacheTtl !== 0 ? cacheTtl : service.cacheTtlMs,
      concurrentCalls: Math.max(1, num(e.concurrent_calls) ?? 1),
      outputEncoding,
      inputHeaders: [...new Set(headers)],
      inputQueryStrings: strs(e.input_query_strings),
      public: extraConfig[NS.authPublic] === true,
      maxPayload: Math.max(0, num(obj(extraConfig.proxy).max_payload) ?? service.router.maxPayload),
      proxy: proxyPlan(extraConfig),
      extraConfig,
      settings: levelSettings('endpoint', extraConfig),
      backends: backendRefs(ref).map((b) => backendPlan(b.value, b.index, { method, outputEncoding }, service)),
      source: { line: pos.line, column: pos.column },
    };
  });
  const edge = resolveEdge(service.profile.name, service.extraConfig, endpoints.map((ep) => ep.extraConfig));
  if (edge) service.edge = edge;
  // The Go engine merges router.disable_health=true into the operator's options and serves /healthz instead.
  if (edge?.productionHeaders) service.router.disableHealth = true;
  const plan: Plan = {
    schema: PLAN_SCHEMA,
    source: { file: gateway.file, sha256: createHash('sha256').update(gateway.text).digest('hex') },
    service,
    endpoints,
    modules: [],
  };
  if (routes) {
    plan.routes = routesPlan(routes.value);
    plan.source.routesFile = routes.file;
  }
  plan.modules = modulesFor(service, endpoints, routes !== undefined, settingsNotEnforced(c));
  return plan;
}
