/**
 * How hgw streams an answer over Forward envelopes (hgw's convention; the
 * spec defines the Push envelope, not a stream protocol around it, and
 * `forward.Serve` always buffers):
 *
 * 1. The caller's Forward carries a ConnID unique among its open calls.
 * 2. A peer whose answer has no length (SSE, chunked) replies to the call
 *    with a Response holding the status and headers plus the line
 *    `Transfer-Encoding: chunked`, and an empty body.
 * 3. The body follows as Push envelopes with that ConnID, in order: Encoding
 *    `sse` (text/event-stream) or `bytes` (anything else) with the chunk as
 *    Frame; then one Push `end` (complete) or `error` (cut off; Frame holds
 *    the reason).
 * 4. A caller whose client went away sends the peer a Push `cancel` with the
 *    ConnID; the peer stops reading the answer.
 *
 * A peer that knows none of this (a Go `forward.Serve`) answers with one
 * whole Response, which a caller takes as the complete answer.
 */
export const PUSH_SSE = 'sse';
export const PUSH_BYTES = 'bytes';
export const PUSH_END = 'end';
export const PUSH_ERROR = 'error';
export const PUSH_CANCEL = 'cancel';

/** The Response header line that says the body follows as Push frames. */
export const STREAM_MARK: readonly [string, string] = ['Transfer-Encoding', 'chunked'];

export function isStreamMark(name: string, value: string): boolean {
  return name.toLowerCase() === 'transfer-encoding' && value.toLowerCase() === 'chunked';
}

/** The data encoding for an answer's Content-Type. */
export function pushEncodingFor(contentType: string | undefined): string {
  return contentType !== undefined && /^\s*text\/event-stream\b/i.test(contentType) ? PUSH_SSE : PUSH_BYTES;
}
