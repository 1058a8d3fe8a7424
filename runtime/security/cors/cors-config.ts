import { parseGoDurationSeconds } from '../../shared/go/go-duration.js';

/**
 * `security/cors` as KrakenD CE reads it (krakend-cors v2) and hands it to
 * rs/cors 1.11: lists keep only their string items, `allow_origins` and
 * `allow_headers` become `["*"]` when empty, methods default to rs/cors' own
 * (GET, POST, HEAD), `max_age` is a Go duration truncated to whole seconds,
 * `options_success_status` defaults to 204. Anything of the wrong type is
 * ignored, as the Go reader ignores it.
 */
export interface CorsConfig {
  allowOrigins: string[];
  allowMethods: string[];
  allowHeaders: string[];
  exposeHeaders: string[];
  allowCredentials: boolean;
  allowPrivateNetwork: boolean;
  optionsPassthrough: boolean;
  optionsSuccessStatus: number;
  /** Whole seconds; `0` sends no Access-Control-Max-Age, a negative value sends `0`. */
  maxAgeSeconds: number;
  debug: boolean;
}

export const CORS_NAMESPACE = 'security/cors';

/** The config, or `undefined` when the namespace is absent or not an object (CORS off). */
export function readCorsConfig(extraConfig: Record<string, unknown>): CorsConfig | undefined {
  const raw = extraConfig[CORS_NAMESPACE];
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const c = raw as Record<string, unknown>;
  const origins = stringList(c.allow_origins);
  const headers = stringList(c.allow_headers);
  const methods = stringList(c.allow_methods);
  const status = c.options_success_status;
  const maxAge = typeof c.max_age === 'string' ? parseGoDurationSeconds(c.max_age) : undefined;
  return {
    allowOrigins: origins.length === 0 ? ['*'] : origins,
    allowMethods: methods.length === 0 ? ['GET', 'POST', 'HEAD'] : methods,
    allowHeaders: headers.length === 0 ? ['*'] : headers,
    exposeHeaders: stringList(c.expose_headers),
    allowCredentials: c.allow_credentials === true,
    allowPrivateNetwork: c.allow_private_network === true,
    optionsPassthrough: c.options_passthrough === true,
    optionsSuccessStatus: typeof status === 'number' && Number.isInteger(status) && status >= 100 && status <= 999 ? status : 204,
    maxAgeSeconds: maxAge === undefined ? 0 : Math.trunc(maxAge),
    debug: c.debug === true,
  };
}

function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];
}
