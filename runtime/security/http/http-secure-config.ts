/**
 * `security/http` as krakend-httpsecure reads it (unrolled/secure's
 * options; absent keys are Go's zero values). Parsed when the Plan is built;
 * the middleware (http-secure-middleware.ts) receives the result.
 */
import { settingsParser } from '../../plan/settings.js';

export interface HttpSecureConfig {
  allowedHosts: string[];
  allowedHostsAreRegex: boolean;
  hostProxyHeaders: string[];
  sslRedirect: boolean;
  sslHost: string;
  sslProxyHeaders: Record<string, string>;
  stsSeconds: number;
  stsIncludeSubdomains: boolean;
  forceStsHeader: boolean;
  frameDeny: boolean;
  customFrameOptionsValue: string;
  contentTypeNosniff: boolean;
  browserXssFilter: boolean;
  contentSecurityPolicy: string;
  referrerPolicy: string;
  hpkpPublicKey: string;
  isDevelopment: boolean;
}

/** Absent keys are Go's zero values, as krakend-httpsecure reads them. */
export const httpSecureSettings = /* @__PURE__ */ settingsParser<HttpSecureConfig>((value, problems) => {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.sts_seconds === 'number' && v.sts_seconds < 0) {
    problems.warn('/sts_seconds', `sts_seconds ${v.sts_seconds} is negative: browsers ignore the Strict-Transport-Security header it sends`, 'Set the seconds browsers keep to HTTPS (e.g. 31536000), or 0 for no HSTS.');
  }
  const strs = (k: string) => (Array.isArray(v[k]) ? (v[k] as unknown[]).filter((x): x is string => typeof x === 'string') : []);
  const str = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : '');
  const bool = (k: string) => v[k] === true;
  const proxy = v.ssl_proxy_headers !== null && typeof v.ssl_proxy_headers === 'object' ? (v.ssl_proxy_headers as Record<string, unknown>) : {};
  return {
    allowedHosts: strs('allowed_hosts'),
    allowedHostsAreRegex: bool('allowed_hosts_are_regex'),
    hostProxyHeaders: strs('host_proxy_headers'),
    sslRedirect: bool('ssl_redirect'),
    sslHost: str('ssl_host'),
    sslProxyHeaders: Object.fromEntries(Object.entries(proxy).filter((e): e is [string, string] => typeof e[1] === 'string')),
    stsSeconds: typeof v.sts_seconds === 'number' ? Math.trunc(v.sts_seconds) : 0,
    stsIncludeSubdomains: bool('sts_include_subdomains'),
    forceStsHeader: bool('force_sts_header'),
    frameDeny: bool('frame_deny'),
    customFrameOptionsValue: str('custom_frame_options_value'),
    contentTypeNosniff: bool('content_type_nosniff'),
    browserXssFilter: bool('browser_xss_filter'),
    contentSecurityPolicy: str('content_security_policy'),
    referrerPolicy: str('referrer_policy'),
    hpkpPublicKey: str('hpkp_public_key') || str('public_key'),
    isDevelopment: bool('is_development'),
  };
});
