/**
 * The widget gate's settings, as the Go gateway's DefaultWidgetSecurityConfig
 * has them: fixed limits (10 requests per IP and 600 overall per sliding
 * minute, idle entries swept every 5 minutes) and the origin allowlist, which
 * WIDGET_ALLOWED_ORIGINS replaces when it is set.
 */
import { HANZO_PROPERTY_DOMAINS } from '../../core/hanzo-domains.js';
import { goTrimSpace } from '../../shared/go/go-trim-space.js';

export const WIDGET_ALLOWED_ORIGINS_ENV = 'WIDGET_ALLOWED_ORIGINS';

export interface WidgetGateConfig {
  /** Requests one client IP may make per window. */
  readonly maxRequestsPerIp: number;
  /** Sliding window length, in milliseconds. */
  readonly windowMs: number;
  /** Requests all client IPs together may make per window. */
  readonly globalMaxRequests: number;
  /** Bare host names; each also admits its subdomains. Empty: no origin check. */
  readonly allowedOrigins: readonly string[];
  /** How often idle per-IP entries are swept, in milliseconds. */
  readonly cleanupIntervalMs: number;
}

/** Every Hanzo / Lux / Zoo / Pars property that embeds the public widget key, plus local development. */
export const DEFAULT_WIDGET_ALLOWED_ORIGINS: readonly string[] = HANZO_PROPERTY_DOMAINS;

export const DEFAULT_WIDGET_GATE_CONFIG: WidgetGateConfig = Object.freeze({
  maxRequestsPerIp: 10,
  windowMs: 60_000,
  globalMaxRequests: 600,
  allowedOrigins: DEFAULT_WIDGET_ALLOWED_ORIGINS,
  cleanupIntervalMs: 300_000,
});

/**
 * WIDGET_ALLOWED_ORIGINS, when set and non-empty, is a comma-separated list of
 * bare host names (trimmed, empty items dropped) that replaces the default
 * list; `","` therefore leaves it empty, which turns the origin check off.
 */
export function widgetGateConfigFromEnv(env: Readonly<Record<string, string | undefined>>): WidgetGateConfig {
  const raw = env[WIDGET_ALLOWED_ORIGINS_ENV];
  if (raw === undefined || raw === '') return DEFAULT_WIDGET_GATE_CONFIG;
  const allowedOrigins = raw
    .split(',')
    .map(goTrimSpace)
    .filter((o) => o !== '');
  return { ...DEFAULT_WIDGET_GATE_CONFIG, allowedOrigins };
}
