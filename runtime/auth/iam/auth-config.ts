/**
 * Hanzo IAM edge-auth settings, read from the process environment with the
 * variable names of the Go gateway's gin/legacy `DefaultAuthConfig()` (spec
 * hanzo-auth-widget-zap.md A1, A5). Kept apart from the middleware so the
 * parsing rules (defaults, CSV handling, the exact-"false"/"true" switches)
 * can be read and tested on their own.
 *
 * The zip mount's names (`JWKS_URL`, `JWT_ISSUER`, `JWT_AUDIENCE`) are read
 * too, after the gin names: a deployment configured for either Go entry point
 * gets the same gate here (A1 lists both builders).
 *
 * One deliberate difference from the Go builder: empty CSV entries are dropped
 * everywhere. Go keeps them in AUTH_PUBLIC_PATHS, where an empty prefix
 * matches every path and turns auth off (the spec's A1 pitfall).
 */

export type Env = Readonly<Record<string, string | undefined>>;

export interface HanzoAuthConfig {
  /** `AUTH_ENABLED`: on unless exactly `"false"`. Off still strips identity headers. */
  enabled: boolean;
  /** `AUTH_JWKS_URL`, else `JWKS_URL`. */
  jwksUrl: string;
  /** `AUTH_ISSUER` (else `JWT_ISSUER`) followed by `WHITELABEL_ISSUERS`, without duplicates: the issuer allowlist. */
  issuers: string[];
  /** `GATEWAY_ALLOWED_AUDIENCES` or the built-in list, widened by `AUTH_AUDIENCE` and `JWT_AUDIENCE`. Never empty. */
  audiences: string[];
  /** `AUTH_BILLING_URL`, without trailing slashes. */
  billingUrl: string;
  /** `COMMERCE_SERVICE_TOKEN`. */
  billingToken: string;
  /** `BILLING_ENABLED`: on only when exactly `"true"`. */
  billingEnabled: boolean;
  /**
   * `BILLING_FAIL_CLOSED`: when Commerce cannot answer (network error, timeout,
   * non-200, unreadable JSON) the request goes through unbilled (the default:
   * fail-open, as the gateway's seed document specifies, so a Commerce outage
   * is not an API outage) or gets 503 (exactly `"true"`, Era C's behaviour).
   */
  billingFailClosed: boolean;
  /** `BILLING_PATHS`: prefixes that are balance-gated; empty means every path (except /v1/commerce). */
  billingPaths: string[];
  /** `AUTH_PUBLIC_PATHS`: plain prefixes admitted without a token check. */
  publicPaths: string[];
  /** `AUTH_PUBLIC_HOSTS`: exact, case-sensitive hosts (port removed) admitted without a token check. */
  publicHosts: string[];
  /** `AUTH_REQUIRE`: a request with no token gets 401 (only when exactly `"true"`). */
  requireAuth: boolean;
}

export const DEFAULT_JWKS_URL = 'https://hanzo.id/v1/iam/.well-known/jwks';
export const DEFAULT_ISSUER = 'https://hanzo.id';
export const DEFAULT_BILLING_URL = 'http://commerce.hanzo.svc.cluster.local:8001';
export const DEFAULT_AUDIENCES: readonly string[] = [
  'hanzo-app',
  'hanzo-console',
  'hanzo-chat',
  'hanzo-id',
  'hanzo-admin-guard',
  'admin-console',
  'hanzo-world',
  'cowork',
  'https://api.hanzo.ai',
];
export const DEFAULT_PUBLIC_PATHS: readonly string[] = ['/healthz', '/__stats', '/.well-known/', '/favicon'];
export const DEFAULT_PUBLIC_HOSTS: readonly string[] = ['hanzo.id', 'lux.id', 'pars.id', 'id.bootno.de', 'id.zoo.network', 'iam.hanzo.ai'];

export function authConfigFromEnv(env: Env): HanzoAuthConfig {
  const issuer = valueOr(env.AUTH_ISSUER, valueOr(env.JWT_ISSUER, DEFAULT_ISSUER));
  return {
    enabled: env.AUTH_ENABLED !== 'false',
    jwksUrl: valueOr(env.AUTH_JWKS_URL, valueOr(env.JWKS_URL, DEFAULT_JWKS_URL)),
    issuers: unique([issuer, ...csv(env.WHITELABEL_ISSUERS)]),
    audiences: audienceAllowlist(env),
    billingUrl: valueOr(env.AUTH_BILLING_URL, DEFAULT_BILLING_URL).replace(/\/+$/, ''),
    billingToken: env.COMMERCE_SERVICE_TOKEN ?? '',
    billingEnabled: env.BILLING_ENABLED === 'true',
    billingFailClosed: env.BILLING_FAIL_CLOSED === 'true',
    billingPaths: csv(env.BILLING_PATHS),
    publicPaths: isSet(env.AUTH_PUBLIC_PATHS) ? csv(env.AUTH_PUBLIC_PATHS) : [...DEFAULT_PUBLIC_PATHS],
    publicHosts: isSet(env.AUTH_PUBLIC_HOSTS) ? csv(env.AUTH_PUBLIC_HOSTS) : [...DEFAULT_PUBLIC_HOSTS],
    requireAuth: env.AUTH_REQUIRE === 'true',
  };
}

/**
 * The Go `Validate()` messages. With billing on, a missing Commerce URL or
 * token is a configuration error; the gin build only logs it and then answers
 * every balance-gated request with 503, which is what this middleware does too.
 */
export function validateAuthConfig(config: HanzoAuthConfig): string[] {
  const problems: string[] = [];
  if (!config.billingEnabled) return problems;
  if (config.billingUrl === '') problems.push('auth: BILLING_ENABLED=true requires AUTH_BILLING_URL (Commerce endpoint)');
  if (config.billingToken === '') problems.push('auth: BILLING_ENABLED=true requires COMMERCE_SERVICE_TOKEN (from KMS)');
  return problems;
}

/** `GATEWAY_ALLOWED_AUDIENCES` replaces the default list; `AUTH_AUDIENCE` and `JWT_AUDIENCE` only ever add to it. */
function audienceAllowlist(env: Env): string[] {
  const configured = csv(env.GATEWAY_ALLOWED_AUDIENCES);
  const list = configured.length > 0 ? configured : [...DEFAULT_AUDIENCES];
  for (const widening of [env.AUTH_AUDIENCE, env.JWT_AUDIENCE]) {
    const extra = (widening ?? '').trim();
    if (extra !== '') list.push(extra);
  }
  return unique(list);
}

/** Comma-separated values, each trimmed, empty entries dropped. */
export function csv(value: string | undefined): string[] {
  if (value === undefined) return [];
  const out: string[] = [];
  for (const part of value.split(',')) {
    const entry = part.trim();
    if (entry !== '') out.push(entry);
  }
  return out;
}

function isSet(value: string | undefined): value is string {
  return value !== undefined && value !== '';
}

/** Go's `getEnv(key, fallback)`: an unset or empty variable takes the default. */
function valueOr(value: string | undefined, fallback: string): string {
  return isSet(value) ? value : fallback;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
