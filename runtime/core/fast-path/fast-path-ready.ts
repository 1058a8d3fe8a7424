import type { EndpointHandler } from '../endpoint-context.js';

/**
 * The mark an endpoint handler carries when it uses only the part of
 * ServerResponse the fast path's RawResponse implements (writeHead, write,
 * flushHeaders, end, destroy, headersSent, statusCode, shouldKeepAlive and the
 * `close` / `drain` / `finish` events) and reads the request only through
 * rawHeaders, headers, method, url, socket and its body stream. The no-op
 * endpoint without proxy middlewares sets it; anything unmarked falls back to
 * node:http.
 */
export const FAST_PATH_READY = Symbol('hgw.fastPathReady');

export type MarkedHandler = EndpointHandler & { [FAST_PATH_READY]?: true };

export function markFastPathReady(handler: EndpointHandler): EndpointHandler {
  (handler as MarkedHandler)[FAST_PATH_READY] = true;
  return handler;
}

export function isFastPathReady(handler: EndpointHandler): boolean {
  return (handler as MarkedHandler)[FAST_PATH_READY] === true;
}
