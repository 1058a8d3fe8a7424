/**
 * Why: a cache miss must not slow the caller down — the backend's answer
 * streams through untouched, chunk by chunk with its backpressure, while a
 * copy of a storable answer is kept and stored only once it has arrived
 * whole. The same handler finishes a revalidation: a 304 for the stale entry
 * it was sent for is absorbed, the entry refreshed (RFC 9111 §4.3.4) and
 * replayed to the caller instead.
 */
import type { UpstreamHandler, UpstreamRequest } from '../../shared/upstream/upstream.js';
import { cacheControlOf, type Directives } from './cache-control.js';
import { initialAgeMs } from './freshness.js';
import { headerValues, rawToStrings } from './header-lines.js';
import type { ResponseCache } from './response-cache.js';
import { headersAfterNotModified, storableRecord } from './storage-policy.js';
import { StoredReplay } from './stored-replay.js';
import type { StoredResponse } from './stored-response.js';

export interface CachingTarget {
  cache: ResponseCache;
  /** RFC 9111 shared-cache rules. */
  shared: boolean;
  now: () => number;
  /** The cache entry this call fills (method, backend and path). */
  resource: string;
  /** The caller's request (its headers select the variant; the upstream records its URL on it), and its Cache-Control. */
  request: UpstreamRequest;
  requestCc: Directives;
  /** The stale entry a conditional request was sent for; a 304 answer refreshes and replays it. */
  revalidating?: StoredResponse;
}

export class CachingCall implements UpstreamHandler {
  private readonly requestTime: number;
  private upstreamAbort: ((reason?: Error) => void) | null = null;
  /** What is being kept of a storable answer; null when nothing is. */
  private record: StoredResponse | null = null;
  private chunks: Buffer[] = [];
  private kept = 0;
  /** The refreshed entry after a 304, replayed at the end of the exchange. */
  private refreshed: StoredResponse | null = null;
  private replay: StoredReplay | null = null;

  constructor(
    private readonly target: CachingTarget,
    private readonly inner: UpstreamHandler,
  ) {
    this.requestTime = target.now();
  }

  onConnect(abort: (reason?: Error) => void): void {
    this.upstreamAbort = abort;
    this.inner.onConnect(this.abortFromCaller);
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void, statusText: string): boolean {
    if (statusCode < 200) return this.inner.onHeaders(statusCode, rawHeaders, resume, statusText);
    const t = this.target;
    const responseTime = t.now();
    const headers = rawToStrings(rawHeaders);
    if (statusCode === 304 && t.revalidating) {
      this.refreshed = this.refresh(t.revalidating, headers, responseTime);
      return true;
    }
    this.record = storableRecord({
      requestHeaders: t.request.headers,
      requestCc: t.requestCc,
      status: statusCode,
      statusText,
      responseHeaders: headers,
      responseCc: cacheControlOf(headers),
      requestTime: this.requestTime,
      responseTime,
      shared: t.shared,
    });
    // A stale entry answered by something we may not store is of no further use.
    if (!this.record && t.revalidating) t.cache.removeVariant(t.resource, t.request.headers);
    return this.inner.onHeaders(statusCode, rawHeaders, resume, statusText);
  }

  onData(chunk: Buffer): boolean {
    if (this.refreshed) return true; // a 304 has no body to relay
    if (this.record) {
      this.kept += chunk.length;
      if (this.kept > this.target.cache.maxSize) this.forget();
      else this.chunks.push(chunk);
    }
    return this.inner.onData(chunk);
  }

  onComplete(trailers: Buffer[] | null): void {
    const refreshed = this.refreshed;
    if (refreshed) {
      this.replay = new StoredReplay(refreshed, this.inner, this.target.now());
      this.replay.start(false);
      return;
    }
    const record = this.record;
    if (record) {
      record.body = Buffer.concat(this.chunks, this.kept); // a compact copy: chunks may be views of larger socket buffers
      record.url = this.target.request.url;
      this.forget();
      this.target.cache.save(this.target.resource, this.target.request.headers, record);
    }
    this.inner.onComplete(trailers);
  }

  onError(err: Error): void {
    this.forget();
    this.inner.onError(err);
  }

  private readonly abortFromCaller = (reason?: Error): void => {
    if (this.replay) this.replay.abort(reason);
    else this.upstreamAbort?.(reason);
  };

  private forget(): void {
    this.record = null;
    this.chunks = [];
  }

  /** The stale entry with the 304's header lines (RFC 9111 §3.2), re-stored when still storable. */
  private refresh(stale: StoredResponse, notModified: string[], responseTime: number): StoredResponse {
    const t = this.target;
    const merged = headersAfterNotModified(stale.headers, notModified);
    const age = headerValues(notModified, 'age')[0];
    const responseHeaders = age === undefined ? merged : [...merged, 'Age', age];
    const record = storableRecord({
      requestHeaders: t.request.headers,
      requestCc: t.requestCc,
      status: stale.status,
      statusText: stale.statusText,
      responseHeaders,
      responseCc: cacheControlOf(merged),
      requestTime: this.requestTime,
      responseTime,
      shared: t.shared,
    });
    if (record) {
      record.body = stale.body;
      record.url = stale.url;
      t.cache.save(t.resource, t.request.headers, record);
      return record;
    }
    t.cache.removeVariant(t.resource, t.request.headers);
    return { ...stale, headers: merged, requestTime: this.requestTime, responseTime, initialAgeMs: initialAgeMs(responseHeaders, this.requestTime, responseTime) };
  }
}
