import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Middleware, MiddlewareFactory, Next } from '../../core/middleware.js';
import type { Logger } from '../../shared/log/logger.js';
import { canonicalHeaderKey } from '../../shared/headers/canonical-header-key.js';
import { firstRequestHeader, requestHeaderLines } from '../../shared/headers/request-header-lines.js';
import { AllowedHeaderSet } from './allowed-header-set.js';
import type { CorsConfig } from './cors-config.js';
import { markFastPathReady } from '../../core/fast-path/fast-path-ready.js';

/**
 * Service-level `security/cors`: KrakenD CE's CORS, which is rs/cors 1.11
 * wrapped around the whole HTTP handler. Install it first in the edge chain,
 * before routing: a preflight is answered here even on paths that have no
 * OPTIONS route (or no route at all), and never reaches auth or the router.
 *
 * - A preflight is an OPTIONS request with a non-empty
 *   `Access-Control-Request-Method`. It always gets
 *   `Vary: Origin, Access-Control-Request-Method, Access-Control-Request-Headers`
 *   (one line; `…, Access-Control-Request-Private-Network` appended with
 *   `allow_private_network`), and — only when origin, method and every
 *   requested header are allowed — `Access-Control-Allow-Origin` (`*` when any
 *   origin is allowed, even with credentials, else the request's Origin),
 *   `Access-Control-Allow-Methods` (the requested method, as sent),
 *   `Access-Control-Allow-Headers` (the requested list, as sent),
 *   `Access-Control-Allow-Credentials`, `Access-Control-Allow-Private-Network`
 *   and `Access-Control-Max-Age`. It is then answered with
 *   `options_success_status` (204) and no body — a refused preflight too, just
 *   without the CORS headers — or, with `options_passthrough`, handed on.
 * - Any other request gets `Vary: Origin` (always, even without an Origin),
 *   and with an allowed Origin and method `Access-Control-Allow-Origin`,
 *   `Access-Control-Expose-Headers` and `Access-Control-Allow-Credentials`;
 *   then `next()`.
 *
 * Headers go on `res` with `setHeader`/`appendHeader` before `next()`. Node
 * keeps them when the endpoint later calls `res.writeHead(status, headers)`
 * with an object or a flat `[name, value, …]` array, except that a header the
 * endpoint passes under the same name *replaces* them (Node removes the name
 * before adding the array's lines): a no-op backend's own `Vary` would
 * replace `Vary: Origin`, where Go adds both lines. `writeHeadLines` (runtime/core/responses.ts)
 * (../write-head-adding.ts) writes with Go's add semantics. A nested
 * `[[name, value]]` array throws in Node once any header has been set.
 */
export const corsMiddleware: MiddlewareFactory = (deps) => {
  const config = deps.service.settings['security/cors'];
  if (!config) return passThrough;
  const cors = new RsCors(config, config.debug ? deps.log : undefined);
  // Header work and a 204/200 preflight only: what the fast path's raw response offers (core/fast-path/).
  return markFastPathReady((req, res, next) => cors.handle(req, res, next));
};

const passThrough: Middleware = markFastPathReady((_req, _res, next) => next());

const PREFLIGHT_VARY = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';
const PREFLIGHT_VARY_PRIVATE_NETWORK = `${PREFLIGHT_VARY}, Access-Control-Request-Private-Network`;

interface Wildcard {
  prefix: string;
  suffix: string;
}

/** One configured policy; built once, allocation-light per request. */
export class RsCors {
  private readonly allOrigins: boolean;
  private readonly origins = new Set<string>();
  private readonly wildcards: Wildcard[] = [];
  private readonly allHeaders: boolean;
  private readonly headers: AllowedHeaderSet;
  private readonly methods: readonly string[];
  private readonly exposed: string | undefined;
  private readonly maxAge: string | undefined;
  private readonly preflightVary: string;

  constructor(
    private readonly config: CorsConfig,
    private readonly log?: Logger,
  ) {
    let all = false;
    for (const o of config.allowOrigins) {
      const origin = o.toLowerCase();
      if (origin === '*') {
        all = true;
        break;
      }
      const star = origin.indexOf('*');
      if (star >= 0) this.wildcards.push({ prefix: origin.slice(0, star), suffix: origin.slice(star + 1) });
      else this.origins.add(origin);
    }
    this.allOrigins = all;
    this.allHeaders = config.allowHeaders.includes('*');
    // "Origin" is always allowed, as the schema documents.
    this.headers = new AllowedHeaderSet(this.allHeaders ? [] : [...config.allowHeaders, 'origin']);
    this.methods = config.allowMethods;
    this.exposed = config.exposeHeaders.length > 0 ? config.exposeHeaders.map(canonicalHeaderKey).join(', ') : undefined;
    this.maxAge = config.maxAgeSeconds > 0 ? String(config.maxAgeSeconds) : config.maxAgeSeconds < 0 ? '0' : undefined;
    this.preflightVary = config.allowPrivateNetwork ? PREFLIGHT_VARY_PRIVATE_NETWORK : PREFLIGHT_VARY;
  }

  handle(req: IncomingMessage, res: ServerResponse, next: Next): void {
    if (req.method === 'OPTIONS' && firstRequestHeader(req, 'access-control-request-method') !== '') {
      this.debug('Handler: Preflight request');
      this.preflight(req, res);
      if (this.config.optionsPassthrough) next();
      else answer(res, this.config.optionsSuccessStatus);
      return;
    }
    this.debug('Handler: Actual request');
    this.actual(req, res);
    next();
  }

  /** Whether an Origin value is allowed: `*`, an exact origin, or a one-`*` pattern; compared lower-cased. */
  isOriginAllowed(origin: string): boolean {
    if (this.allOrigins) return true;
    const o = origin.toLowerCase();
    if (this.origins.has(o)) return true;
    for (const w of this.wildcards) {
      if (o.length >= w.prefix.length + w.suffix.length && o.startsWith(w.prefix) && o.endsWith(w.suffix)) return true;
    }
    return false;
  }

  /** Methods match exactly (case-sensitive); OPTIONS always passes. */
  isMethodAllowed(method: string): boolean {
    if (this.methods.length === 0) return false;
    if (method === 'OPTIONS') return true;
    return this.methods.includes(method);
  }

  private preflight(req: IncomingMessage, res: ServerResponse): void {
    res.appendHeader('Vary', this.preflightVary);
    const origin = firstRequestHeader(req, 'origin');
    if (origin === '') return this.debug('  Preflight aborted: empty origin');
    if (!this.isOriginAllowed(origin)) return this.debug(`  Preflight aborted: origin '${origin}' not allowed`);
    const method = firstRequestHeader(req, 'access-control-request-method');
    if (!this.isMethodAllowed(method)) return this.debug(`  Preflight aborted: method '${method}' not allowed`);
    const requested = requestHeaderLines(req, 'access-control-request-headers');
    if (requested.length > 0 && !this.allHeaders && !this.headers.accepts(requested)) {
      return this.debug(`  Preflight aborted: headers '[${requested.join(' ')}]' not allowed`);
    }
    res.setHeader('Access-Control-Allow-Origin', this.allOrigins ? '*' : requestHeaderLines(req, 'origin'));
    res.setHeader('Access-Control-Allow-Methods', requestHeaderLines(req, 'access-control-request-method'));
    if (requested.length > 0 && requested[0] !== '') res.setHeader('Access-Control-Allow-Headers', requested);
    if (this.config.allowCredentials) res.setHeader('Access-Control-Allow-Credentials', 'true');
    if (this.config.allowPrivateNetwork && firstRequestHeader(req, 'access-control-request-private-network') === 'true') {
      res.setHeader('Access-Control-Allow-Private-Network', 'true');
    }
    if (this.maxAge !== undefined) res.setHeader('Access-Control-Max-Age', this.maxAge);
    if (this.log) this.debug(`  Preflight response headers: ${goHeaderMap(res)}`);
  }

  private actual(req: IncomingMessage, res: ServerResponse): void {
    res.appendHeader('Vary', 'Origin');
    const origin = firstRequestHeader(req, 'origin');
    if (origin === '') return this.debug('  Actual request no headers added: missing origin');
    if (!this.isOriginAllowed(origin)) return this.debug(`  Actual request no headers added: origin '${origin}' not allowed`);
    const method = req.method ?? '';
    if (!this.isMethodAllowed(method)) return this.debug(`  Actual request no headers added: method '${method}' not allowed`);
    res.setHeader('Access-Control-Allow-Origin', this.allOrigins ? '*' : requestHeaderLines(req, 'origin'));
    if (this.exposed !== undefined) res.setHeader('Access-Control-Expose-Headers', this.exposed);
    if (this.config.allowCredentials) res.setHeader('Access-Control-Allow-Credentials', 'true');
    if (this.log) this.debug(`  Actual response added headers: ${goHeaderMap(res)}`);
  }

  private debug(msg: string): void {
    this.log?.debug(`[CORS] ${msg}`);
  }
}

/** Go's `w.WriteHeader(status)` with nothing written: no body, and `Content-Length: 0` where a body is allowed. */
function answer(res: ServerResponse, status: number): void {
  if (status >= 200 && status !== 204 && status !== 304) res.setHeader('Content-Length', 0);
  res.writeHead(status).end();
}

/** `map[Name:[v …] …]`, the `%v` of a Go http.Header, for the debug lines. */
function goHeaderMap(res: ServerResponse): string {
  const parts: string[] = [];
  for (const name of res.getHeaderNames().sort()) {
    const v = res.getHeader(name);
    const values = Array.isArray(v) ? v : [String(v)];
    parts.push(`${canonicalHeaderKey(name)}:[${values.join(' ')}]`);
  }
  return `map[${parts.join(' ')}]`;
}
