import { parseGoDurationSeconds } from '../../shared/go/go-duration.js';
import { settingsParser } from '../../plan/settings.js';

/**
 * `security/cors` as KrakenD CE reads it (krakend-cors v2) and hands it to
 * rs/cors 1.11: lists keep only their string items, `allow_origins` and
 * `allow_headers` become `["*"]` when empty, methods default to rs/cors' own
 * (GET, POST, HEAD), `max_age` is a Go duration truncated to whole seconds,
 * `options_success_status` defaults to 204. Anything of the wrong type is
 * ignored, as the Go reader ignores it. Runs when the Plan is built; the
 * middleware receives the result.
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

/** The config, or no settings when the value is not an object (CORS off). */
export const corsSettings = /* @__PURE__ */ settingsParser<CorsConfig>((raw, problems) => {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const c = raw as Record<string, unknown>;
  const origins = stringList(c.allow_origins);
  const headers = stringList(c.allow_headers);
  const methods = stringList(c.allow_methods);
  const status = c.options_success_status;
  const statusOk = typeof status === 'number' && Number.isInteger(status) && status >= 100 && status <= 999;
  if (typeof status === 'number' && !statusOk) {
    problems.warn('/options_success_status', `options_success_status ${status} is not an HTTP status: preflights are answered 204`, 'Use a status from 100 to 999 (usually 200 or 204), or remove the key.');
  }
  origins.forEach((o, i) => {
    if (o !== '*' && o.indexOf('*') !== o.lastIndexOf('*')) {
      problems.warn(`/allow_origins/${i}`, `origin pattern ${JSON.stringify(o)} has more than one *: only the first is a wildcard, the others must match literally`, 'Use one * per pattern, e.g. "https://*.example.com".');
    }
  });
  const maxAge = typeof c.max_age === 'string' ? parseGoDurationSeconds(c.max_age) : undefined;
  return {
    allowOrigins: origins.length === 0 ? ['*'] : origins,
    allowMethods: methods.length === 0 ? ['GET', 'POST', 'HEAD'] : methods,
    allowHeaders: headers.length === 0 ? ['*'] : headers,
    exposeHeaders: stringList(c.expose_headers),
    allowCredentials: c.allow_credentials === true,
    allowPrivateNetwork: c.allow_private_network === true,
    optionsPassthrough: c.options_passthrough === true,
    optionsSuccessStatus: statusOk ? status : 204,
    maxAgeSeconds: maxAge === undefined ? 0 : Math.trunc(maxAge),
    debug: c.debug === true,
  };
});

function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];
}
