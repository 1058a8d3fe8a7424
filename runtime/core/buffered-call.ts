import type { UpstreamHandler } from '../upstream/upstream.js';

/** A finished backend exchange, body in memory. */
export interface BufferedResponse {
  status: number;
  /** Raw header lines, name/value alternating. */
  headers: string[];
  body: Buffer;
}

export type BufferedDone = (err: Error | null, response: BufferedResponse | null, index: number) => void;

/**
 * Collects one backend response for endpoints that decode bodies (json and
 * friends). One object per call, same shape every time; `cancel` stops it.
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
    this.chunks.push(chunk);
    this.length += chunk.length;
    return true;
  }

  onComplete(): void {
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
