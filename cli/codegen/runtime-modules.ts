import type { BackendPlan, EndpointPlan, ServicePlan } from '../../runtime/plan/plan.js';
import { edgeModules, krakendCorsLinked } from '../plan/modules.js';

/**
 * What codegen may link: for each Plan module id, whether this hgw version has
 * a runtime for it, and which runtime export implements an endpoint or a
 * backend. A module is linked iff the generated entry imports its export, so
 * this table plus the Plan decides what reaches the bundle.
 */
export interface RuntimeExport {
  /** Import specifier; `@hgw/runtime/` resolves to this package's runtime/. */
  from: string;
  name: string;
}

const NOOP_ENDPOINT: RuntimeExport = { from: '@hgw/runtime/core/noop-endpoint.js', name: 'noopEndpoint' };
const DECODING_ENDPOINT: RuntimeExport = { from: '@hgw/runtime/core/decoding-endpoint.js', name: 'decodingEndpoint' };
const HTTP_UPSTREAM: RuntimeExport = { from: '@hgw/runtime/upstream/http/http-upstream.js', name: 'httpUpstream' };
const BASE_HA_UPSTREAM: RuntimeExport = { from: '@hgw/runtime/upstream/base-ha/base-ha-upstream.js', name: 'baseHaUpstream' };
const BASE_NETWORK_UPSTREAM: RuntimeExport = { from: '@hgw/runtime/upstream/base-network/base-network-upstream.js', name: 'baseNetworkUpstream' };
const BASE_HA_REDIS_UPSTREAM: RuntimeExport = { from: '@hgw/runtime/upstream/base-ha/base-ha-redis.js', name: 'baseHaUpstreamWithRedisPins' };

/** Module ids with a runtime in this version. */
export const IMPLEMENTED = new Set([
  'core/server',
  'core/router',
  'core/no-op',
  'core/endpoint',
  'core/merge',
  'core/manipulation',
  'core/flatmap',
  'core/sequential',
  'core/static',
  'upstream/http',
  'upstream/base-ha',
  'upstream/base-ha-redis-pins',
  'upstream/base-network',
  'upstream/zap',
  'zap/listeners',
  'qos/circuit-breaker',
  'qos/http-cache',
  'qos/ratelimit-router',
  'qos/ratelimit-proxy',
  'plugins/http-server',
  'plugins/http-client',
  'plugins/req-resp-modifier',
  'telemetry/logging', // level, prefix, format, stdout and syslog of the gateway's log lines
  'auth/validator',
  'auth/signer',
  'security/cors',
  'security/bot-detector',
  'security/hanzo-cors',
  'auth/hanzo-iam',
  'auth/widget-gate',
  'auth/require-identity',
  'auth/identity-strip',
  'core/production-headers',
  'routes/host-routing',
  'routes/ingress',
  'validation/cel',
  'validation/json-schema',
  'telemetry/opentelemetry',
  'security/http',
  'modifier/lua',
  'modifier/lua-router',
  'telemetry/metrics',
  'modifier/martian',
  'auth/revoker',
  'auth/client-credentials',
]);

/**
 * Modules whose absence would change where a request goes. A config that needs
 * one is refused rather than served by plain proxying.
 */
// None today: every upstream kind has a runtime (zap is served over HTTP, as the Go gateway does without its peer).
export const REQUIRED = new Map<string, string>([]);

export function endpointHandler(endpoint: EndpointPlan): RuntimeExport {
  return endpoint.outputEncoding === 'no-op' ? NOOP_ENDPOINT : DECODING_ENDPOINT;
}

/** The upstream for a backend, and a note when it stands in for a kind not implemented yet. */
export function backendUpstream(backend: BackendPlan): { use: RuntimeExport; note?: string } {
  switch (backend.upstream.kind) {
    case 'http':
      return { use: HTTP_UPSTREAM };
    case 'base-network':
      return { use: BASE_NETWORK_UPSTREAM };
    case 'base_ha':
      return { use: backend.upstream.readYourWritesStore ? BASE_HA_REDIS_UPSTREAM : BASE_HA_UPSTREAM };
    case 'zap':
      return { use: { from: '@hgw/runtime/upstream/zap/zap-upstream.js', name: 'zapUpstream' }, note: `ZAP to ${backend.upstream.peerAddr || '(no peer_addr: HTTP)'}` };
    default:
      throw new Error(`no runtime for upstream ${(backend.upstream as { kind: string }).kind}`);
  }
}

/** Codecs the pipe looks up by encoding name; linked only when a Plan module asks for them. */
export const CODECS: Record<string, { module: string; use: RuntimeExport }> = {
  xml: { module: 'encoding/xml', use: { from: '@hgw/runtime/encoding/xml-codec.js', name: 'xmlCodec' } },
  yaml: { module: 'encoding/yaml', use: { from: '@hgw/runtime/encoding/yaml-codec.js', name: 'yamlCodec' } },
  negotiate: { module: 'encoding/negotiate', use: { from: '@hgw/runtime/encoding/negotiate-codec.js', name: 'negotiateCodec' } },
  rss: { module: 'encoding/rss', use: { from: '@hgw/runtime/encoding/rss-codec.js', name: 'rssCodec' } },
};

/** Endpoint middleware, in the order a request meets it. */
export function endpointMiddleware(endpoint: EndpointPlan, service: ServicePlan): RuntimeExport[] {
  const out: RuntimeExport[] = [];
  // Outermost, so a request refused by auth or a rate limit still has its span.
  if (service.extraConfig['telemetry/opentelemetry'] !== undefined) {
    out.push(otelExport(service, 'endpointTelemetry'));
  }
  if (metricsLayer(service, 'router_disabled')) out.push({ from: '@hgw/runtime/telemetry/metrics/router-metrics.js', name: 'routerMetrics' });
  // krakend-lua's router script runs in the endpoint's handler, before auth and the proxy.
  if (endpoint.extraConfig['modifier/lua-endpoint'] !== undefined) out.push({ from: '@hgw/runtime/modifier/lua/lua-router.js', name: 'luaEndpointScript' });
  if (edgeModules(service).includes('auth/require-identity') && !endpoint.public) {
    out.push({ from: '@hgw/runtime/auth/iam/require-identity.js', name: 'requireIdentity' });
  }
  if (endpoint.extraConfig['auth/validator'] !== undefined || service.extraConfig['auth/validator'] !== undefined) {
    out.push({ from: '@hgw/runtime/auth/validator/jwt-validator.js', name: 'jwtValidator' });
    // krakend-cel's JWT rejecter runs on the claims the validator just verified.
    if (endpoint.extraConfig['validation/cel'] !== undefined) out.push(CEL_JWT_REJECTER);
    // auth/revoker refuses verified tokens whose watched claims were revoked.
    if (service.extraConfig['auth/revoker'] !== undefined) out.push({ from: '@hgw/runtime/auth/revoker/revoker.js', name: 'revokedTokens' });
  }
  const rateLimit = (endpoint.extraConfig['qos/ratelimit/router'] ?? service.extraConfig['qos/ratelimit/router']) as { store?: unknown } | undefined;
  if (rateLimit !== undefined) {
    const shared = rateLimit.store !== undefined || (service.extraConfig['qos/ratelimit/router'] as { store?: unknown } | undefined)?.store !== undefined;
    out.push(
      shared
        ? { from: '@hgw/runtime/qos/ratelimit/redis-rate-limits.js', name: 'routerRateLimitWithRedis' }
        : { from: '@hgw/runtime/qos/ratelimit/router-rate-limit.js', name: 'routerRateLimit' },
    );
  }
  return out;
}

const CEL_PROXY: RuntimeExport = { from: '@hgw/runtime/validation/cel/cel-proxy.js', name: 'celProxy' };
const METRICS_PROXY: RuntimeExport = { from: '@hgw/runtime/telemetry/metrics/proxy-metrics.js', name: 'proxyMetrics' };
const LUA_PROXY: RuntimeExport = { from: '@hgw/runtime/modifier/lua/lua-proxy.js', name: 'luaProxy' };
const JSON_SCHEMA_PROXY: RuntimeExport = { from: '@hgw/runtime/validation/json-schema/json-schema-proxy.js', name: 'jsonSchemaProxy' };
const CEL_JWT_REJECTER: RuntimeExport = { from: '@hgw/runtime/validation/cel/cel-jwt-rejecter.js', name: 'celJwtRejecter' };

/** Which exporter lists `telemetry/opentelemetry` fills: each links its own library (OTLP brings gRPC). */
function otelExporters(service: ServicePlan): { otlp: boolean; prometheus: boolean } {
  const exporters = (service.extraConfig['telemetry/opentelemetry'] as { exporters?: Record<string, unknown> } | undefined)?.exporters ?? {};
  const listed = (k: string) => Array.isArray(exporters[k]) && (exporters[k] as unknown[]).length > 0;
  return { otlp: listed('otlp'), prometheus: listed('prometheus') };
}

const OTLP_TELEMETRY = '@hgw/runtime/telemetry/opentelemetry/otlp-exporters.js';
const PROMETHEUS_TELEMETRY = '@hgw/runtime/telemetry/opentelemetry/prometheus-exporter.js';

/** The endpoint middleware or the scrape listener wired with exactly the configured exporters. */
function otelExport(service: ServicePlan, kind: 'endpointTelemetry' | 'prometheusListener'): RuntimeExport {
  const { otlp, prometheus } = otelExporters(service);
  if (!prometheus) return { from: OTLP_TELEMETRY, name: 'endpointTelemetry' };
  const names = kind === 'endpointTelemetry' ? ['endpointTelemetryWithPrometheus', 'endpointTelemetryWithPrometheusAndOtlp'] : ['prometheusListener', 'prometheusListenerWithOtlp'];
  return { from: PROMETHEUS_TELEMETRY, name: names[otlp ? 1 : 0]! };
}

/** `telemetry/metrics` is on and this layer is not switched off. */
function metricsLayer(service: ServicePlan, off: 'router_disabled' | 'proxy_disabled' | 'backend_disabled'): boolean {
  const cfg = service.extraConfig['telemetry/metrics'] as Record<string, unknown> | undefined;
  return cfg !== undefined && cfg[off] !== true;
}

/**
 * Proxy middlewares around a decoding endpoint's whole pipe, outermost first,
 * in KrakenD CE's factory order (Lua outside CEL outside JSON Schema).
 */
export function endpointWrappers(endpoint: EndpointPlan, service: ServicePlan): RuntimeExport[] {
  const out: RuntimeExport[] = [];
  // Outermost: the pipe's latency includes every other middleware. A no-op answer streams past it, so no-op endpoints have none.
  if (metricsLayer(service, 'proxy_disabled') && endpoint.outputEncoding !== 'no-op') out.push(METRICS_PROXY);
  if (endpoint.extraConfig['modifier/lua-proxy'] !== undefined) out.push(LUA_PROXY);
  if (endpoint.extraConfig['validation/cel'] !== undefined) out.push(CEL_PROXY);
  if (endpoint.extraConfig['validation/json-schema'] !== undefined) out.push(JSON_SCHEMA_PROXY);
  return out;
}

/** Proxy middlewares around one backend's proxy, outermost first (a no-op endpoint runs their request side). */
export function backendWrappers(endpoint: EndpointPlan, backend: BackendPlan, service: ServicePlan): RuntimeExport[] {
  const out: RuntimeExport[] = [];
  if (metricsLayer(service, 'backend_disabled') && endpoint.outputEncoding !== 'no-op') out.push(METRICS_PROXY);
  if (backend.extraConfig['modifier/lua-backend'] !== undefined) out.push(LUA_PROXY);
  if (backend.extraConfig['validation/cel'] !== undefined) out.push(CEL_PROXY);
  return out;
}

/** A backend's stages, outermost first, in KrakenD's order: circuit breaker → proxy rate limit → martian → HTTP cache. */
export function backendStages(backend: BackendPlan): RuntimeExport[] {
  const out: RuntimeExport[] = [];
  if (backend.extraConfig['qos/circuit-breaker'] !== undefined) out.push({ from: '@hgw/runtime/qos/circuit-breaker/circuit-breaker-stage.js', name: 'circuitBreaker' });
  const proxyLimit = backend.extraConfig['qos/ratelimit/proxy'] as { store?: unknown } | undefined;
  if (proxyLimit !== undefined) {
    out.push(
      proxyLimit.store !== undefined
        ? { from: '@hgw/runtime/qos/ratelimit/redis-rate-limits.js', name: 'proxyRateLimitWithRedis' }
        : { from: '@hgw/runtime/qos/ratelimit/proxy-rate-limit.js', name: 'proxyRateLimit' },
    );
  }
  // The gateway's own OAuth2 token goes on the request before martian and the cache see it.
  if (backend.extraConfig['auth/client-credentials'] !== undefined) out.push({ from: '@hgw/runtime/auth/client-credentials/client-credentials-stage.js', name: 'clientCredentials' });
  // martian edits the request as sent and the answer as received, inside the limits and outside the cache (KrakenD's cache lives in the HTTP client).
  if (backend.extraConfig['modifier/martian'] !== undefined) out.push({ from: '@hgw/runtime/modifier/martian/martian-stage.js', name: 'martianStage' });
  if (backend.extraConfig['qos/http-cache'] !== undefined) out.push({ from: '@hgw/runtime/qos/http-cache/http-cache-stage.js', name: 'httpCache' });
  return out;
}

/** What takes over an endpoint's answer, if anything. */
export function endpointFinisher(endpoint: EndpointPlan): RuntimeExport | undefined {
  return endpoint.extraConfig['auth/signer'] !== undefined ? { from: '@hgw/runtime/auth/signer/jwt-signer.js', name: 'jwtSigner' } : undefined;
}

/**
 * Router middleware in the Go engine's order (hanzo-core.md §5.3): production
 * headers → security/http → CORS preflight → auth → widget gate → bot detector → routing.
 */
export function routerMiddleware(service: ServicePlan): RuntimeExport[] {
  const out: RuntimeExport[] = [];
  const edge = edgeModules(service);
  // Right after recovery: every answer below it, refusals included, leaves stamped.
  if (edge.includes('core/production-headers')) out.push({ from: '@hgw/runtime/core/production-headers.js', name: 'productionHeadersMiddleware' });
  // Host check and HTTPS redirect before anything else answers.
  if (service.extraConfig['security/http'] !== undefined) out.push({ from: '@hgw/runtime/security/http/http-secure-middleware.js', name: 'httpSecureMiddleware' });
  if (edge.includes('security/hanzo-cors')) out.push({ from: '@hgw/runtime/security/cors/hanzo-cors-middleware.js', name: 'hanzoCorsMiddleware' });
  if (service.extraConfig['security/cors'] !== undefined && krakendCorsLinked(service)) out.push({ from: '@hgw/runtime/security/cors/cors-middleware.js', name: 'corsMiddleware' });
  if (edge.includes('auth/hanzo-iam')) out.push({ from: '@hgw/runtime/auth/iam/iam-middleware.js', name: 'hanzoIamMiddleware' });
  if (edge.includes('auth/identity-strip')) out.push({ from: '@hgw/runtime/auth/iam/identity-strip-middleware.js', name: 'identityStripMiddleware' });
  if (edge.includes('auth/widget-gate')) out.push({ from: '@hgw/runtime/auth/widget-gate/widget-gate-middleware.js', name: 'widgetGateMiddleware' });
  if (service.extraConfig['security/bot-detector'] !== undefined) {
    out.push({ from: '@hgw/runtime/security/bot-detector/bot-detector-middleware.js', name: 'botDetectorMiddleware' });
  }
  if (service.extraConfig['modifier/lua-endpoint'] !== undefined) out.push({ from: '@hgw/runtime/modifier/lua/lua-router.js', name: 'luaServiceScript' });
  return out;
}

/** routes.yaml host routing: the last router middleware, called with the compiled table. */
export const HOST_ROUTING: RuntimeExport = { from: '@hgw/runtime/routes/host-routing-middleware.js', name: 'hostRoutingMiddleware' };

/** An ingress build: the whole request handling, with the IAM gate linked only when a host asks for it. */
export function ingressMiddlewareExport(withIam: boolean): RuntimeExport {
  return withIam
    ? { from: '@hgw/runtime/routes/ingress/ingress-iam-gate.js', name: 'ingressMiddlewareWithIam' }
    : { from: '@hgw/runtime/routes/ingress/ingress-middleware.js', name: 'ingressMiddleware' };
}

/** Listeners beside HTTP: the ZAP surfaces, when the service names them. */
export function extraListeners(service: ServicePlan): RuntimeExport[] {
  const out: RuntimeExport[] = [];
  if (service.extraConfig['github.com/hanzoai/gateway/zap-listener'] !== undefined) out.push({ from: '@hgw/runtime/zap/zap-listeners.js', name: 'zapListeners' });
  if (service.extraConfig['telemetry/metrics'] !== undefined) out.push({ from: '@hgw/runtime/telemetry/metrics/stats-listener.js', name: 'statsListener' });
  if (otelExporters(service).prometheus) out.push(otelExport(service, 'prometheusListener'));
  if (service.extraConfig['auth/revoker'] !== undefined) out.push({ from: '@hgw/runtime/auth/revoker/revoker.js', name: 'revokerListener' });
  return out;
}
