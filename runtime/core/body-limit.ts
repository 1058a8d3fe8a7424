import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Branding } from './branding.js';
import { writeGatewayError } from './responses.js';

/**
 * `max_payload`: request bodies larger than the limit get 413. A declared
 * Content-Length is refused before any backend is called; a chunked body is
 * counted as it streams (the upload to the backend is aborted at the limit).
 * The text is Go's http.MaxBytesReader error.
 */
export const PAYLOAD_TOO_LARGE = 'http: request body too large';

export class PayloadTooLargeError extends Error {
  readonly code = 'HGW_PAYLOAD_TOO_LARGE';
  constructor() {
    super(PAYLOAD_TOO_LARGE);
  }
}

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
