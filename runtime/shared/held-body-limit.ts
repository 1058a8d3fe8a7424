/**
 * `max_payload`: request bodies larger than the limit get 413. A declared
 * Content-Length is refused before any backend is called; a chunked body is
 * counted as it streams (the upload to the backend is aborted at the limit).
 * The text is Go's http.MaxBytesReader error.
 */
export const PAYLOAD_TOO_LARGE = 'http: request body too large';

/**
 * A body the gateway has to hold whole (several backends, JSON Schema, Lua)
 * is refused past this size when no max_payload is set: streamed bodies have
 * no limit, held ones would otherwise have only the heap's.
 */
export const HELD_BODY_LIMIT = 32 * 1024 * 1024;

/** max_payload, or the held-body limit when none is set. */
export function heldBodyLimit(maxPayload: number): number {
  return maxPayload > 0 ? maxPayload : HELD_BODY_LIMIT;
}

/** A held body went past its limit; the endpoint answers 413 with Go's text. */
export class PayloadTooLargeError extends Error {
  readonly code = 'HGW_PAYLOAD_TOO_LARGE';
  constructor() {
    super(PAYLOAD_TOO_LARGE);
  }
}
