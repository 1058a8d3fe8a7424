/**
 * Module id → the type of its parsed settings, filled into the Plan's
 * `ModuleSettings` (runtime/plan/plan.ts) by module augmentation. The Plan
 * holds, at each level, the settings of every module the config turns on
 * there, parsed when the Plan is built (cli/plan/module-registry.ts names
 * each module's parser), so `plan.service.settings['qos/ratelimit-router']`
 * is typed. Type imports only: nothing here is linked into a bundle; a
 * program that reads settings includes this file (generated entries import it).
 */
import type { SignerSettings } from '../auth/signer/signer-settings.js';
import type { ValidatorConfig } from '../auth/validator/validator-config.js';
import type { CircuitBreakerConfig } from '../qos/circuit-breaker/circuit-breaker-config.js';
import type { HttpCacheConfig } from '../qos/http-cache/http-cache-config.js';
import type { LuaConfig } from '../modifier/lua/lua-config.js';
import type { MartianSettings } from '../modifier/martian/martian-settings.js';
import type { CelSettings } from '../validation/cel/cel-settings.js';
import type { JsonSchemaSettings } from '../validation/json-schema/json-schema-settings.js';
import type { ClientCredentialsSettings } from '../auth/client-credentials/client-credentials-settings.js';
import type { RevokerConfig } from '../auth/revoker/revoker-config.js';
import type { ZapListenerSettings } from '../zap/zap-listener-settings.js';
import type { ProxyRateLimitConfig } from '../qos/ratelimit/proxy-rate-limit-config.js';
import type { RouterRateLimitConfig } from '../qos/ratelimit/router-rate-limit-config.js';
import type { BotDetectorConfig } from '../security/bot-detector/bot-detector.js';
import type { CorsConfig } from '../security/cors/cors-config.js';
import type { HttpSecureConfig } from '../security/http/http-secure-config.js';
import type { LoggingSettings } from '../telemetry/logging/logging-settings.js';
import type { MetricsConfig } from '../telemetry/metrics/metrics-config.js';
import type { OtelConfig } from '../telemetry/opentelemetry/otel-config.js';

declare module '../plan/plan.js' {
  interface ModuleSettings {
    'security/cors': CorsConfig;
    'qos/ratelimit-router': RouterRateLimitConfig;
    'qos/ratelimit-proxy': ProxyRateLimitConfig;
    'auth/validator': ValidatorConfig;
    'auth/signer': SignerSettings;
    'qos/circuit-breaker': CircuitBreakerConfig;
    'qos/http-cache': HttpCacheConfig;
    'telemetry/logging': LoggingSettings;
    'telemetry/metrics': MetricsConfig;
    'telemetry/opentelemetry': OtelConfig;
    'security/http': HttpSecureConfig;
    'security/bot-detector': BotDetectorConfig;
    'validation/cel': CelSettings;
    'validation/json-schema': JsonSchemaSettings;
    'modifier/martian': MartianSettings;
    'auth/client-credentials': ClientCredentialsSettings;
    'auth/revoker': RevokerConfig;
    'zap/listeners': ZapListenerSettings;
    'modifier/lua': LuaConfig;
    'modifier/lua-router': LuaConfig;
  }
}

export type { LevelSettings, ModuleSettings, SettingsModuleId } from '../plan/plan.js';
