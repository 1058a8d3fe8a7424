import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Branding } from '../shared/branding.js';
import { writeGatewayError } from './responses.js';
import { PAYLOAD_TOO_LARGE, PayloadTooLargeError } from '../shared/held-body-limit.js';

/**
 * Refusing request bodies over `max_payload` (or the held-body limit) with
 * Go's 413: a declared Content-Length before any backend is called, a chunked
 * body as it streams. The limits and the error live in the floor
 * (`shared/held-body-limit.ts`), where the upstreams that buffer bodies read them.
 */

/** `/__echo/` and `/__debug/` hold what they are sent to print it: diagnostics, so 1 MiB is plenty. */
export const DIAGNOSTIC_BODY_LIMIT = 1024 * 1024;

/** True (and the 413 written) when the declared length is over the limit. */
export function refuseDeclaredOversize(req: IncomingMessage, res: ServerResponse, limit: number, brand: Branding): boolean {
  if (limit <= 0) return false;
  const declared = Number(req.headers['content-length'] ?? 0);
  if (!(declared > limit)) return false;
  writeGatewayError(res, brand, 413, PAYLOAD_TOO_LARGE);
  // The body is not read: close the connection after answering rather than drain it.
  res.shouldKeepAlive = false;
  return true;
}

export function isPayloadTooLarge(err: unknown): boolean {
  return (err as { code?: string } | null)?.code === 'HGW_PAYLOAD_TOO_LARGE' || (err as { cause?: unknown } | null)?.cause instanceof PayloadTooLargeError;
}

/**
 * Reads a client body whole, at most `limit` bytes. Past the limit the rest
 * is drained unread, the connection is marked to close, and `tooLarge` runs
 * instead of `done`; a broken upload destroys the response.
 */
export function readHeldBody(req: IncomingMessage, res: ServerResponse, limit: number, done: (body: Buffer) => void, tooLarge: () => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (c: Buffer) => {
    size += c.length;
    if (size > limit) {
      req.removeAllListeners('data').removeAllListeners('end');
      req.resume();
      res.shouldKeepAlive = false;
      tooLarge();
      return;
    }
    chunks.push(c);
  });
  req.once('end', () => done(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
  req.once('error', () => res.destroy());
}

/** The 413 with Go's http.MaxBytesReader text, for handlers that carry no brand (echo, debug). */
export function writePlainTooLarge(res: ServerResponse): void {
  res.writeHead(413, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': PAYLOAD_TOO_LARGE.length }).end(PAYLOAD_TOO_LARGE);
}
