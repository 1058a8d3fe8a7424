import type { BackendPlan, EndpointPlan, ServicePlan } from '../../runtime/plan/plan.js';
import { edgeModules, krakendCorsLinked } from '../plan/modules.js';

import { EXPORTS, IMPLEMENTED, type RuntimeExport } from '../plan/module-registry.js';

/**
 * Which runtime export fills each slot of the generated entry, chosen from the
 * Plan: endpoint handlers, upstreams, codecs, router and endpoint middleware,
 * proxy wrappers, backend stages, listeners. The modules that exist and the
 * exports they may link are listed once, in plan/module-registry.ts.
 */
export { IMPLEMENTED, type RuntimeExport };

const NOOP_ENDPOINT = EXPORTS.noopEndpoint;
const DECODING_ENDPOINT = EXPORTS.decodingEndpoint;
const HTTP_UPSTREAM = EXPORTS.httpUpstream;
const BASE_HA_UPSTREAM = EXPORTS.baseHaUpstream;
const BASE_NETWORK_UPSTREAM = EXPORTS.baseNetworkUpstream;
const BASE_HA_REDIS_UPSTREAM = EXPORTS.baseHaRedisUpstream;

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
      return { use: EXPORTS.zapUpstream, note: `ZAP to ${backend.upstream.peerAddr || '(no peer_addr: HTTP)'}` };
    default:
      throw new Error(`no runtime for upstream ${(backend.upstream as { kind: string }).kind}`);
  }
}

/** Codecs the pipe looks up by encoding name; linked only when a Plan module asks for them. */
export const CODECS: Record<string, { module: string; use: RuntimeExport }> = {
  xml: { module: 'encoding/xml', use: EXPORTS.xmlCodec },
  yaml: { module: 'encoding/yaml', use: EXPORTS.yamlCodec },
  negotiate: { module: 'encoding/negotiate', use: EXPORTS.negotiateCodec },
  rss: { module: 'encoding/rss', use: EXPORTS.rssCodec },
};

/** Endpoint middleware, in the order a request meets it. */
export function endpointMiddleware(endpoint: EndpointPlan, service: ServicePlan): RuntimeExport[] {
  const out: RuntimeExport[] = [];
  // Outermost, so a request refused by auth or a rate limit still has its span.
  if (service.settings['telemetry/opentelemetry'] !== undefined) out.push(otelExport(service, 'endpointTelemetry'));
  if (metricsLayer(service, 'routerDisabled')) out.push(EXPORTS.routerMetrics);
  // krakend-lua's router script runs in the endpoint's handler, before auth and the proxy.
  if (endpoint.settings['modifier/lua-router'] !== undefined) out.push(EXPORTS.luaEndpointScript);
  // krakend-botdetector's endpoint handler wraps the jose one: a bot is refused before its token is checked.
  if (endpoint.settings['security/bot-detector'] !== undefined) out.push(EXPORTS.botDetectorEndpoint);
  if (edgeModules(service).includes('auth/require-identity') && !endpoint.public) {
    out.push(EXPORTS.requireIdentity);
  }
  if (endpoint.settings['auth/validator'] !== undefined || service.settings['auth/validator'] !== undefined) {
    out.push(EXPORTS.jwtValidator);
    // krakend-cel's JWT rejecter runs on the claims the validator just verified.
    if (endpoint.settings['validation/cel'] !== undefined) out.push(CEL_JWT_REJECTER);
    // auth/revoker refuses verified tokens whose watched claims were revoked.
    if (service.settings['auth/revoker'] !== undefined) out.push(EXPORTS.revokedTokens);
  }
  const rateLimit = endpoint.settings['qos/ratelimit-router'] ?? service.settings['qos/ratelimit-router'];
  if (rateLimit !== undefined) {
    const shared = rateLimit.store !== undefined || service.settings['qos/ratelimit-router']?.store !== undefined;
    out.push(
      shared
        ? EXPORTS.routerRateLimitWithRedis
        : EXPORTS.routerRateLimit,
    );
  }
  return out;
}

const CEL_PROXY: RuntimeExport = EXPORTS.celProxy;
const METRICS_PROXY: RuntimeExport = EXPORTS.proxyMetrics;
const LUA_PROXY: RuntimeExport = EXPORTS.luaProxy;
const JSON_SCHEMA_PROXY: RuntimeExport = EXPORTS.jsonSchemaProxy;
const CEL_JWT_REJECTER: RuntimeExport = EXPORTS.celJwtRejecter;

/** Which exporter lists `telemetry/opentelemetry` fills: each links its own library (OTLP brings gRPC). */
function otelExporters(service: ServicePlan): { otlp: boolean; prometheus: boolean } {
  const otel = service.settings['telemetry/opentelemetry'];
  return { otlp: (otel?.otlp.length ?? 0) > 0, prometheus: (otel?.prometheus.length ?? 0) > 0 };
}

/** The endpoint middleware or the scrape listener wired with exactly the configured exporters. */
function otelExport(service: ServicePlan, kind: 'endpointTelemetry' | 'prometheusListener'): RuntimeExport {
  const { otlp, prometheus } = otelExporters(service);
  if (!prometheus) return EXPORTS.endpointTelemetry;
  if (kind === 'endpointTelemetry') return otlp ? EXPORTS.endpointTelemetryWithPrometheusAndOtlp : EXPORTS.endpointTelemetryWithPrometheus;
  return otlp ? EXPORTS.prometheusListenerWithOtlp : EXPORTS.prometheusListener;
}

/** `telemetry/metrics` is on and this layer is not switched off. */
function metricsLayer(service: ServicePlan, off: 'routerDisabled' | 'proxyDisabled' | 'backendDisabled'): boolean {
  const cfg = service.settings['telemetry/metrics'];
  return cfg !== undefined && !cfg[off];
}

/**
 * Proxy middlewares around a decoding endpoint's whole pipe, outermost first,
 * in KrakenD CE's factory order (Lua outside CEL outside JSON Schema).
 */
export function endpointWrappers(endpoint: EndpointPlan, service: ServicePlan): RuntimeExport[] {
  const out: RuntimeExport[] = [];
  // Outermost: the pipe's latency includes every other middleware. A no-op answer streams past it, so no-op endpoints have none.
  if (metricsLayer(service, 'proxyDisabled') && endpoint.outputEncoding !== 'no-op') out.push(METRICS_PROXY);
  if (endpoint.settings['modifier/lua'] !== undefined) out.push(LUA_PROXY);
  if (endpoint.settings['validation/cel'] !== undefined) out.push(CEL_PROXY);
  if (endpoint.settings['validation/json-schema'] !== undefined) out.push(JSON_SCHEMA_PROXY);
  return out;
}

/** Proxy middlewares around one backend's proxy, outermost first (a no-op endpoint runs their request side). */
export function backendWrappers(endpoint: EndpointPlan, backend: BackendPlan, service: ServicePlan): RuntimeExport[] {
  const out: RuntimeExport[] = [];
  if (metricsLayer(service, 'backendDisabled') && endpoint.outputEncoding !== 'no-op') out.push(METRICS_PROXY);
  if (backend.settings['modifier/lua'] !== undefined) out.push(LUA_PROXY);
  if (backend.settings['validation/cel'] !== undefined) out.push(CEL_PROXY);
  return out;
}

/** A backend's stages, outermost first, in KrakenD's order: circuit breaker → proxy rate limit → martian → HTTP cache. */
export function backendStages(backend: BackendPlan): RuntimeExport[] {
  const out: RuntimeExport[] = [];
  if (backend.settings['qos/circuit-breaker'] !== undefined) out.push(EXPORTS.circuitBreaker);
  const proxyLimit = backend.settings['qos/ratelimit-proxy'];
  if (proxyLimit !== undefined) {
    out.push(
      proxyLimit.store !== undefined
        ? EXPORTS.proxyRateLimitWithRedis
        : EXPORTS.proxyRateLimit,
    );
  }
  // The gateway's own OAuth2 token goes on the request before martian and the cache see it.
  if (backend.settings['auth/client-credentials'] !== undefined) out.push(EXPORTS.clientCredentials);
  // martian edits the request as sent and the answer as received, inside the limits and outside the cache (KrakenD's cache lives in the HTTP client).
  if (backend.settings['modifier/martian'] !== undefined) out.push(EXPORTS.martianStage);
  if (backend.settings['qos/http-cache'] !== undefined) out.push(EXPORTS.httpCache);
  return out;
}

/** What takes over an endpoint's answer, if anything. */
export function endpointFinisher(endpoint: EndpointPlan): RuntimeExport | undefined {
  return endpoint.settings['auth/signer'] !== undefined ? EXPORTS.jwtSigner : undefined;
}

/**
 * Router middleware in the Go engine's order (hanzo-core.md §5.3): production
 * headers → security/http → CORS preflight → auth → widget gate → bot detector → routing.
 */
export function routerMiddleware(service: ServicePlan): RuntimeExport[] {
  const out: RuntimeExport[] = [];
  const edge = edgeModules(service);
  // Right after recovery: every answer below it, refusals included, leaves stamped.
  if (edge.includes('core/production-headers')) out.push(EXPORTS.productionHeaders);
  // Host check and HTTPS redirect before anything else answers.
  if (service.settings['security/http'] !== undefined) out.push(EXPORTS.httpSecure);
  if (edge.includes('security/hanzo-cors')) out.push(EXPORTS.hanzoCors);
  if (service.settings['security/cors'] !== undefined && krakendCorsLinked(service)) out.push(EXPORTS.krakendCors);
  if (edge.includes('auth/hanzo-iam')) out.push(EXPORTS.hanzoIam);
  if (edge.includes('auth/identity-strip')) out.push(EXPORTS.identityStrip);
  if (edge.includes('auth/widget-gate')) out.push(EXPORTS.widgetGate);
  if (service.settings['security/bot-detector'] !== undefined) {
    out.push(EXPORTS.botDetector);
  }
  if (service.settings['modifier/lua-router'] !== undefined) out.push(EXPORTS.luaServiceScript);
  return out;
}

/** routes.yaml host routing: the last router middleware, called with the compiled table. */
export const HOST_ROUTING: RuntimeExport = EXPORTS.hostRouting;

/** An ingress build: the whole request handling, with the IAM gate linked only when a host asks for it. */
export function ingressMiddlewareExport(withIam: boolean): RuntimeExport {
  return withIam
    ? EXPORTS.ingressWithIam
    : EXPORTS.ingress;
}

/** Log destinations beyond stdout and syslog: GELF, which KrakenD runs as a writer of telemetry/logging, so only with it. */
export function logSinks(service: ServicePlan): RuntimeExport[] {
  const gelf = service.extraConfig['telemetry/gelf'] !== undefined && service.extraConfig['telemetry/logging'] !== undefined;
  return gelf ? [EXPORTS.gelfSink] : [];
}

/** Listeners beside HTTP: the ZAP surfaces, when the service names them. */
export function extraListeners(service: ServicePlan): RuntimeExport[] {
  const out: RuntimeExport[] = [];
  if (service.settings['zap/listeners'] !== undefined) out.push(EXPORTS.zapListeners);
  if (service.settings['telemetry/metrics'] !== undefined) out.push(EXPORTS.statsListener);
  if (otelExporters(service).prometheus) out.push(otelExport(service, 'prometheusListener'));
  if (service.settings['auth/revoker'] !== undefined) out.push(EXPORTS.revokerListener);
  return out;
}
