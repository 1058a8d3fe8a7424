import type { EndpointHandler } from '../endpoint-context.js';
import type { EndpointMiddleware, Middleware } from '../middleware.js';

/**
 * The mark an endpoint handler or a router middleware carries when it uses
 * only the part of ServerResponse the fast path's RawResponse implements
 * (writeHead, write, flushHeaders, end, destroy, headersSent, statusCode,
 * shouldKeepAlive, set/append/get/has/removeHeader, getHeaderNames, `req`,
 * and the `close` / `drain` / `finish` events) and reads the request only
 * as an IncomingMessage (rawHeaders, headers, method, url, socket, its body
 * stream). The no-op endpoint without proxy middlewares, the hanzo edge
 * chain, KrakenD's CORS, bot detector and security/http, and the
 * /__stats/ router layer set it; a route with anything unmarked falls back
 * to node:http.
 */
export const FAST_PATH_READY = Symbol('hgw.fastPathReady');

type Marked = { [FAST_PATH_READY]?: true };

export function markFastPathReady<F extends EndpointHandler | Middleware | EndpointMiddleware>(fn: F): F {
  (fn as F & Marked)[FAST_PATH_READY] = true;
  return fn;
}

export function isFastPathReady(fn: EndpointHandler | Middleware | EndpointMiddleware): boolean {
  return (fn as Marked)[FAST_PATH_READY] === true;
}
