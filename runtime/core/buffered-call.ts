import type { UpstreamHandler } from '../shared/upstream/upstream.js';

/** A finished backend exchange, body in memory. */
export interface BufferedResponse {
  status: number;
  /** Raw header lines, name/value alternating. */
  headers: string[];
  body: Buffer;
}

export type BufferedDone = (err: Error | null, response: BufferedResponse | null, index: number) => void;

/**
 * A backend body held whole (to decode, merge, or hand to a script) is
 * refused past this many bytes, counted after any inflating: the call is
 * cancelled, which stops the socket and the inflater. The same 32 MiB as a
 * held request body.
 */
export const HELD_RESPONSE_LIMIT = 32 * 1024 * 1024;

export class ResponseTooLargeError extends Error {
  readonly code = 'HGW_RESPONSE_TOO_LARGE';
  constructor(limit: number) {
    super(`http: response body larger than ${limit} bytes`);
  }
}

/**
 * Collects one backend response for endpoints that decode bodies (json and
 * friends), at most `limit` bytes. One object per call, same shape every
 * time; `cancel` stops it.
 */
export class BufferedCall implements UpstreamHandler {
  private abort: ((reason?: Error) => void) | null = null;
  private status = 0;
  private headers: string[] = [];
  private chunks: Buffer[] = [];
  private length = 0;
  private settled = false;

  constructor(
    private readonly index: number,
    private readonly done: BufferedDone,
    private readonly limit = HELD_RESPONSE_LIMIT,
  ) {}

  cancel(reason: Error): void {
    if (this.settled) return;
    this.settle(reason, null);
    this.abort?.(reason);
  }

  onConnect(abort: (reason?: Error) => void): void {
    this.abort = abort;
    if (this.settled) abort();
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    if (statusCode < 200) return true;
    this.status = statusCode;
    const headers: string[] = [];
    for (const h of rawHeaders) headers.push(h.toString('latin1'));
    this.headers = headers;
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.settled) return true;
    this.length += chunk.length;
    if (this.length > this.limit) {
      this.cancel(new ResponseTooLargeError(this.limit));
      return true;
    }
    this.chunks.push(chunk);
    return true;
  }

  onComplete(): void {
    if (this.settled) return;
    const body = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.length);
    this.settle(null, { status: this.status, headers: this.headers, body });
  }

  onError(err: Error): void {
    this.settle(err, null);
  }

  private settle(err: Error | null, response: BufferedResponse | null): void {
    if (this.settled) return;
    this.settled = true;
    this.chunks = [];
    this.done(err, response, this.index);
  }
}
