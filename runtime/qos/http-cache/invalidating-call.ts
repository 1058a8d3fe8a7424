/**
 * Why: RFC 9111 §4.4 — a successful unsafe request (POST, PUT, DELETE, …)
 * may have changed the resource, so the stored GET/HEAD answers for its URI
 * must go. This handler relays the call untouched and drops them once the
 * backend answers 2xx/3xx.
 */
import type { UpstreamHandler } from '../../shared/upstream/upstream.js';

export class InvalidatingCall implements UpstreamHandler {
  constructor(
    private readonly invalidate: () => void,
    private readonly inner: UpstreamHandler,
  ) {}

  onConnect(abort: (reason?: Error) => void): void {
    this.inner.onConnect(abort);
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void, statusText: string): boolean {
    if (statusCode >= 200 && statusCode < 400) this.invalidate();
    return this.inner.onHeaders(statusCode, rawHeaders, resume, statusText);
  }

  onData(chunk: Buffer): boolean {
    return this.inner.onData(chunk);
  }

  onComplete(trailers: Buffer[] | null): void {
    this.inner.onComplete(trailers);
  }

  onError(err: Error): void {
    this.inner.onError(err);
  }
}
