/**
 * The one list of runtime modules: which exist, which `extra_config`
 * namespaces turn each on at which level, and which runtime exports it may
 * link. The plan derives a config's modules from it (plan/modules.ts), codegen
 * derives what is implemented and takes the exports it wires from it
 * (codegen/runtime-modules.ts), `check` derives what is not enforced
 * (lint/rules/not-enforced.ts), and a test holds it to the schema and the
 * runtime's real exports. Adding a KrakenD namespace is a row here, the
 * runtime module with its settings parser, and its slot in runtime-modules.ts.
 */
import type { ModuleSettings, SettingsModuleId } from '../../runtime/settings/module-settings.js';
import type { SettingsParser } from '../../runtime/plan/settings.js';
import { corsSettings } from '../../runtime/security/cors/cors-config.js';
import { clientCredentialsSettings } from '../../runtime/auth/client-credentials/client-credentials-settings.js';
import { revokerSettings } from '../../runtime/auth/revoker/revoker-config.js';
import { zapListenerSettings } from '../../runtime/zap/zap-listener-settings.js';
import { celSettings } from '../../runtime/validation/cel/cel-settings.js';
import { jsonSchemaSettings } from '../../runtime/validation/json-schema/json-schema-settings.js';
import { martianSettings } from '../../runtime/modifier/martian/martian-settings.js';
import { luaSettings } from '../../runtime/modifier/lua/lua-config.js';
import { botDetectorSettings } from '../../runtime/security/bot-detector/bot-detector.js';
import { httpSecureSettings } from '../../runtime/security/http/http-secure-config.js';
import { loggingSettings } from '../../runtime/telemetry/logging/logging-settings.js';
import { metricsSettings } from '../../runtime/telemetry/metrics/metrics-config.js';
import { otelSettings } from '../../runtime/telemetry/opentelemetry/otel-config.js';
import { circuitBreakerSettings } from '../../runtime/qos/circuit-breaker/circuit-breaker-config.js';
import { httpCacheSettings } from '../../runtime/qos/http-cache/http-cache-config.js';
import { signerSettings } from '../../runtime/auth/signer/signer-settings.js';
import { validatorSettings } from '../../runtime/auth/validator/validator-config.js';
import { proxyRateLimitSettings } from '../../runtime/qos/ratelimit/proxy-rate-limit-config.js';
import { routerRateLimitSettings } from '../../runtime/qos/ratelimit/router-rate-limit-config.js';

export type ConfigLevel = 'service' | 'endpoint' | 'backend';

export interface RuntimeExport {
  /** Import specifier; `@hgw/runtime/` resolves to this package's runtime/. */
  from: string;
  name: string;
}

const x = (path: string, name: string): RuntimeExport => ({ from: `@hgw/runtime/${path}.js`, name });

/** Every runtime export codegen can link. */
export const EXPORTS = {
  noopEndpoint: x('core/noop-endpoint', 'noopEndpoint'),
  decodingEndpoint: x('core/decoding-endpoint', 'decodingEndpoint'),
  productionHeaders: x('core/production-headers', 'productionHeadersMiddleware'),
  httpUpstream: x('upstream/http/http-upstream', 'httpUpstream'),
  baseHaUpstream: x('upstream/base-ha/base-ha-upstream', 'baseHaUpstream'),
  baseHaRedisUpstream: x('upstream/base-ha/base-ha-redis', 'baseHaUpstreamWithRedisPins'),
  baseNetworkUpstream: x('upstream/base-network/base-network-upstream', 'baseNetworkUpstream'),
  zapUpstream: x('upstream/zap/zap-upstream', 'zapUpstream'),
  zapListeners: x('zap/zap-listeners', 'zapListeners'),
  xmlCodec: x('encoding/xml-codec', 'xmlCodec'),
  yamlCodec: x('encoding/yaml-codec', 'yamlCodec'),
  negotiateCodec: x('encoding/negotiate-codec', 'negotiateCodec'),
  rssCodec: x('encoding/rss-codec', 'rssCodec'),
  endpointTelemetry: x('telemetry/opentelemetry/otlp-exporters', 'endpointTelemetry'),
  endpointTelemetryWithPrometheus: x('telemetry/opentelemetry/prometheus-exporter', 'endpointTelemetryWithPrometheus'),
  endpointTelemetryWithPrometheusAndOtlp: x('telemetry/opentelemetry/prometheus-exporter', 'endpointTelemetryWithPrometheusAndOtlp'),
  prometheusListener: x('telemetry/opentelemetry/prometheus-exporter', 'prometheusListener'),
  prometheusListenerWithOtlp: x('telemetry/opentelemetry/prometheus-exporter', 'prometheusListenerWithOtlp'),
  routerMetrics: x('telemetry/metrics/router-metrics', 'routerMetrics'),
  proxyMetrics: x('telemetry/metrics/proxy-metrics', 'proxyMetrics'),
  statsListener: x('telemetry/metrics/stats-listener', 'statsListener'),
  gelfSink: x('telemetry/gelf/gelf-sink', 'gelfSink'),
  luaEndpointScript: x('modifier/lua/lua-router', 'luaEndpointScript'),
  luaServiceScript: x('modifier/lua/lua-router', 'luaServiceScript'),
  luaProxy: x('modifier/lua/lua-proxy', 'luaProxy'),
  martianStage: x('modifier/martian/martian-stage', 'martianStage'),
  requireIdentity: x('auth/iam/require-identity', 'requireIdentity'),
  hanzoIam: x('auth/iam/iam-middleware', 'hanzoIamMiddleware'),
  identityStrip: x('auth/iam/identity-strip-middleware', 'identityStripMiddleware'),
  widgetGate: x('auth/widget-gate/widget-gate-middleware', 'widgetGateMiddleware'),
  jwtValidator: x('auth/validator/jwt-validator', 'jwtValidator'),
  jwtSigner: x('auth/signer/jwt-signer', 'jwtSigner'),
  revokedTokens: x('auth/revoker/revoker', 'revokedTokens'),
  revokerListener: x('auth/revoker/revoker', 'revokerListener'),
  clientCredentials: x('auth/client-credentials/client-credentials-stage', 'clientCredentials'),
  celProxy: x('validation/cel/cel-proxy', 'celProxy'),
  celJwtRejecter: x('validation/cel/cel-jwt-rejecter', 'celJwtRejecter'),
  jsonSchemaProxy: x('validation/json-schema/json-schema-proxy', 'jsonSchemaProxy'),
  routerRateLimit: x('qos/ratelimit/router-rate-limit', 'routerRateLimit'),
  routerRateLimitWithRedis: x('qos/ratelimit/redis-rate-limits', 'routerRateLimitWithRedis'),
  proxyRateLimit: x('qos/ratelimit/proxy-rate-limit', 'proxyRateLimit'),
  proxyRateLimitWithRedis: x('qos/ratelimit/redis-rate-limits', 'proxyRateLimitWithRedis'),
  circuitBreaker: x('qos/circuit-breaker/circuit-breaker-stage', 'circuitBreaker'),
  httpCache: x('qos/http-cache/http-cache-stage', 'httpCache'),
  httpSecure: x('security/http/http-secure-middleware', 'httpSecureMiddleware'),
  hanzoCors: x('security/cors/hanzo-cors-middleware', 'hanzoCorsMiddleware'),
  krakendCors: x('security/cors/cors-middleware', 'corsMiddleware'),
  botDetector: x('security/bot-detector/bot-detector-middleware', 'botDetectorMiddleware'),
  botDetectorEndpoint: x('security/bot-detector/bot-detector-middleware', 'botDetectorEndpointMiddleware'),
  hostRouting: x('routes/host-routing-middleware', 'hostRoutingMiddleware'),
  ingress: x('routes/ingress/ingress-middleware', 'ingressMiddleware'),
  ingressWithIam: x('routes/ingress/ingress-iam-gate', 'ingressMiddlewareWithIam'),
  bundledPlugins: x('plugins/bundled-plugins', 'bundledPlugins'),
  serverPlugins: x('plugins/server-plugin-middleware', 'serverPluginMiddlewareFactory'),
  clientPlugins: x('plugins/client-plugin-upstream', 'clientPluginUpstream'),
  modifierPlugins: x('plugins/modifier-stage', 'modifierStage'),
} as const;

export interface ModuleRow {
  /** The Plan's module id. */
  id: string;
  /** The `extra_config` namespaces that turn it on, per level (absent: the Plan turns it on some other way). */
  namespaces?: Partial<Record<ConfigLevel, readonly string[]>>;
  /** The exports it may link (a chooser in runtime-modules.ts picks among several). */
  links: readonly RuntimeExport[];
  /** Its settings parser: run on each of its namespaces' values when the Plan is built (plan/module-settings.ts). */
  settings?: SettingsParser<unknown>;
}

/** A row's id and parser, typed together: the parser returns what the Plan's settings map says the module reads. */
const parsed = <K extends SettingsModuleId>(id: K, settings: SettingsParser<ModuleSettings[K]>) => ({ id, settings });

const E = EXPORTS;

export const MODULES: readonly ModuleRow[] = [
  // The core: always, or by endpoint shape.
  { id: 'core/server', links: [] },
  { id: 'core/router', links: [] },
  { id: 'core/no-op', links: [E.noopEndpoint] },
  { id: 'core/endpoint', links: [E.decodingEndpoint] },
  { id: 'core/merge', links: [] },
  { id: 'core/manipulation', links: [] },
  { id: 'core/flatmap', links: [] },
  { id: 'core/sequential', links: [] },
  { id: 'core/static', links: [] },
  { id: 'core/production-headers', links: [E.productionHeaders] },
  // How a backend is reached: by the backend's upstream namespace (read by the plan itself).
  { id: 'upstream/http', links: [E.httpUpstream] },
  { id: 'upstream/base-ha', links: [E.baseHaUpstream] },
  { id: 'upstream/base-ha-redis-pins', links: [E.baseHaRedisUpstream] },
  { id: 'upstream/base-network', links: [E.baseNetworkUpstream] },
  { id: 'upstream/zap', links: [E.zapUpstream] },
  { ...parsed('zap/listeners', zapListenerSettings), namespaces: { service: ['github.com/hanzoai/gateway/zap-listener'] }, links: [E.zapListeners] },
  // Encodings: by `encoding` / `output_encoding`.
  { id: 'encoding/xml', links: [E.xmlCodec] },
  { id: 'encoding/yaml', links: [E.yamlCodec] },
  { id: 'encoding/negotiate', links: [E.negotiateCodec] },
  { id: 'encoding/rss', links: [E.rssCodec] },
  // The Hanzo edge chain: by the profile (plan/profile.ts).
  { id: 'security/hanzo-cors', links: [E.hanzoCors] },
  { id: 'auth/hanzo-iam', links: [E.hanzoIam] },
  { id: 'auth/identity-strip', links: [E.identityStrip] },
  { id: 'auth/widget-gate', links: [E.widgetGate] },
  { id: 'auth/require-identity', links: [E.requireIdentity] },
  { id: 'routes/host-routing', links: [E.hostRouting] },
  { id: 'routes/ingress', links: [E.ingress, E.ingressWithIam] },
  // KrakenD CE modules, by namespace.
  { ...parsed('security/cors', corsSettings), namespaces: { service: ['security/cors'], endpoint: ['security/cors'] }, links: [E.krakendCors] },
  { ...parsed('security/bot-detector', botDetectorSettings), namespaces: { service: ['security/bot-detector'], endpoint: ['security/bot-detector'] }, links: [E.botDetector, E.botDetectorEndpoint] },
  { ...parsed('security/http', httpSecureSettings), namespaces: { service: ['security/http'] }, links: [E.httpSecure] },
  { ...parsed('qos/ratelimit-router', routerRateLimitSettings), namespaces: { service: ['qos/ratelimit/router'], endpoint: ['qos/ratelimit/router'] }, links: [E.routerRateLimit, E.routerRateLimitWithRedis] },
  { ...parsed('qos/ratelimit-proxy', proxyRateLimitSettings), namespaces: { backend: ['qos/ratelimit/proxy'] }, links: [E.proxyRateLimit, E.proxyRateLimitWithRedis] },
  { ...parsed('qos/circuit-breaker', circuitBreakerSettings), namespaces: { backend: ['qos/circuit-breaker'] }, links: [E.circuitBreaker] },
  { ...parsed('qos/http-cache', httpCacheSettings), namespaces: { backend: ['qos/http-cache'] }, links: [E.httpCache] },
  { ...parsed('auth/validator', validatorSettings), namespaces: { service: ['auth/validator'], endpoint: ['auth/validator'] }, links: [E.jwtValidator] },
  { ...parsed('auth/signer', signerSettings), namespaces: { endpoint: ['auth/signer'] }, links: [E.jwtSigner] },
  { ...parsed('auth/revoker', revokerSettings), namespaces: { service: ['auth/revoker'] }, links: [E.revokedTokens, E.revokerListener] },
  { ...parsed('auth/client-credentials', clientCredentialsSettings), namespaces: { backend: ['auth/client-credentials'] }, links: [E.clientCredentials] },
  { ...parsed('validation/cel', celSettings), namespaces: { endpoint: ['validation/cel'], backend: ['validation/cel'] }, links: [E.celProxy, E.celJwtRejecter] },
  { ...parsed('validation/json-schema', jsonSchemaSettings), namespaces: { endpoint: ['validation/json-schema'] }, links: [E.jsonSchemaProxy] },
  { ...parsed('modifier/lua', luaSettings), namespaces: { endpoint: ['modifier/lua-proxy'], backend: ['modifier/lua-backend'] }, links: [E.luaProxy] },
  { ...parsed('modifier/lua-router', luaSettings), namespaces: { service: ['modifier/lua-endpoint'], endpoint: ['modifier/lua-endpoint'] }, links: [E.luaEndpointScript, E.luaServiceScript] },
  { ...parsed('modifier/martian', martianSettings), namespaces: { backend: ['modifier/martian'] }, links: [E.martianStage] },
  { ...parsed('telemetry/logging', loggingSettings), namespaces: { service: ['telemetry/logging'] }, links: [] }, // level, prefix, format, stdout and syslog of the gateway's log lines
  { id: 'telemetry/gelf', namespaces: { service: ['telemetry/gelf'] }, links: [E.gelfSink] }, // a writer of telemetry/logging's lines: linked only with it
  { ...parsed('telemetry/metrics', metricsSettings), namespaces: { service: ['telemetry/metrics'] }, links: [E.routerMetrics, E.proxyMetrics, E.statsListener] },
  {
    ...parsed('telemetry/opentelemetry', otelSettings),
    namespaces: { service: ['telemetry/opentelemetry'] },
    links: [E.endpointTelemetry, E.endpointTelemetryWithPrometheus, E.endpointTelemetryWithPrometheusAndOtlp, E.prometheusListener, E.prometheusListenerWithOtlp],
  },
  { id: 'plugins/http-server', namespaces: { service: ['plugin/http-server'] }, links: [E.bundledPlugins, E.serverPlugins] },
  { id: 'plugins/http-client', namespaces: { backend: ['plugin/http-client'] }, links: [E.bundledPlugins, E.clientPlugins] },
  { id: 'plugins/req-resp-modifier', namespaces: { endpoint: ['plugin/req-resp-modifier'], backend: ['plugin/req-resp-modifier'] }, links: [E.bundledPlugins, E.modifierPlugins] },
];

/** Module ids with a runtime in this version. */
export const IMPLEMENTED: ReadonlySet<string> = new Set(MODULES.map((m) => m.id));

/** namespace → module id at one level, from the rows. */
export function namespacesAt(level: ConfigLevel): Readonly<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const row of MODULES) for (const ns of row.namespaces?.[level] ?? []) out[ns] = row.id;
  return out;
}
