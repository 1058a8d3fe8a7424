import { createGunzip, type Gunzip } from 'node:zlib';
import type { Dispatcher } from 'undici';
import type { ConnectionPools, UpstreamHandler, UpstreamRequest } from '../../shared/upstream/upstream.js';
import { goTransportError } from './go-errors.js';

/**
 * One backend call with Go's client behaviour around undici: redirects
 * followed (301/302/303/307/308, at most 10, `Referer` added, headers copied,
 * credentials dropped across hosts, 301/302/303 turn a non-GET into a body-less
 * GET), and a gzip body inflated when we asked for gzip ourselves, with
 * Content-Encoding / Content-Length removed — what Lura's backends look like.
 * Inflating keeps back-pressure both ways (a slow consumer pauses the
 * inflater, a full inflater pauses the socket), so a gzip bomb costs only as
 * much memory as the consumer holds (a buffering consumer bounds its own
 * bytes and cancels); a call that ends in any way destroys the inflater.
 */
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 10;
const CREDENTIALS = new Set(['authorization', 'cookie', 'cookie2', 'www-authenticate']);

export class HttpCall implements UpstreamHandler {
  private abortHop: ((reason?: Error) => void) | null = null;
  private aborted: Error | null = null;
  private hops = 0;
  /** A redirect being followed: the response body is discarded, then `next` is dispatched. */
  private next: { origin: string; path: string; method: string; headers: string[]; body: UpstreamRequest['body'] } | null = null;
  private gunzip: Gunzip | null = null;
  /** undici's resume for the current hop: the socket waits for it after onData said false. */
  private resumeSocket: (() => void) | null = null;
  /** The socket finished and the inflater is flushing what is left. */
  private inflating = false;
  private connected = false;

  constructor(
    private readonly pools: ConnectionPools,
    private origin: string,
    private path: string,
    private method: string,
    private headers: string[],
    private body: UpstreamRequest['body'],
    private readonly addedGzip: boolean,
    private readonly inner: UpstreamHandler,
    private readonly request: UpstreamRequest,
    /** base_ha and base-network hand 3xx back to the caller instead (the Go gateway's clients do not follow). */
    private readonly followRedirects = true,
  ) {}

  start(): void {
    this.request.url = this.href;
    this.pools.get(this.origin).dispatch(
      // undici sends an async iterable chunked; its types only list streams.
      { method: this.method as Dispatcher.HttpMethod, path: this.path, headers: this.headers, body: this.body as Dispatcher.DispatchOptions['body'] },
      this as unknown as Dispatcher.DispatchHandler,
    );
  }

  onConnect(abort: (reason?: Error) => void): void {
    this.abortHop = abort;
    if (this.aborted) {
      abort(this.aborted);
      return;
    }
    if (!this.connected) {
      this.connected = true;
      this.inner.onConnect(this.abortAll);
    }
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void, statusText: string): boolean {
    if (this.followRedirects && REDIRECTS.has(statusCode)) {
      const location = header(rawHeaders, 'location');
      if (location !== undefined) {
        if (this.hops + 1 >= MAX_REDIRECTS) {
          this.fail(new Error(`${title(this.method)} "${this.href}": stopped after 10 redirects`));
          return false;
        }
        const next = this.redirect(statusCode, location);
        if (next) {
          this.next = next;
          return true;
        }
      }
    }
    if (this.addedGzip && header(rawHeaders, 'content-encoding')?.toLowerCase() === 'gzip') {
      rawHeaders = rawHeaders.filter((_, i) => {
        const name = rawHeaders[i - (i % 2)]!.toString('latin1').toLowerCase();
        return name !== 'content-encoding' && name !== 'content-length';
      });
      const gunzip = createGunzip();
      // The consumer said wait: stop inflating (the inflater then stops taking input, which pauses the socket).
      gunzip.on('data', (c: Buffer) => {
        if (!this.inner.onData(c)) gunzip.pause();
      });
      gunzip.on('drain', this.onInflaterDrained);
      gunzip.on('error', (e) => this.fail(new Error(`gzip: ${e.message}`)));
      this.gunzip = gunzip;
      this.resumeSocket = resume;
      return this.inner.onHeaders(statusCode, rawHeaders, this.resumeInflater, statusText);
    }
    return this.inner.onHeaders(statusCode, rawHeaders, resume, statusText);
  }

  onData(chunk: Buffer): boolean {
    if (this.next) return true;
    if (this.gunzip) return this.gunzip.write(chunk);
    return this.inner.onData(chunk);
  }

  onComplete(trailers: Buffer[] | null): void {
    const next = this.next;
    if (next) {
      this.next = null;
      this.hops++;
      this.origin = next.origin;
      this.path = next.path;
      this.method = next.method;
      this.headers = next.headers;
      this.body = next.body;
      this.start();
      return;
    }
    if (this.gunzip) {
      // The socket is done; the inflater may still fail (a truncated stream), and then that is the answer.
      this.inflating = true;
      this.gunzip.once('end', () => {
        this.inflating = false;
        this.inner.onComplete(trailers);
      });
      this.gunzip.end();
      return;
    }
    this.inner.onComplete(trailers);
  }

  onError(err: Error): void {
    this.dropInflater();
    if (this.aborted) {
      this.inner.onError(this.aborted);
      return;
    }
    this.inner.onError(goTransportError(this.method, this.href, err));
  }

  /** The URL of the current hop, as Go prints it in errors. */
  get href(): string {
    return this.origin + this.path;
  }

  private readonly abortAll = (reason?: Error): void => {
    this.aborted = reason ?? new Error('context canceled');
    this.dropInflater();
    this.abortHop?.(this.aborted);
  };

  private fail(err: Error): void {
    this.aborted = err;
    this.dropInflater();
    if (this.inflating) {
      this.inflating = false;
      this.inner.onError(err);
      return;
    }
    this.abortHop?.(err);
  }

  /** The consumer is ready again: inflate on. */
  private readonly resumeInflater = (): void => {
    this.gunzip?.resume();
  };

  /** The inflater took what it held: the socket may read on. */
  private readonly onInflaterDrained = (): void => {
    this.resumeSocket?.();
  };

  /** A call that ended (aborted, failed, timed out) inflates nothing more: what it held is dropped. */
  private dropInflater(): void {
    const gunzip = this.gunzip;
    if (!gunzip) return;
    this.gunzip = null;
    gunzip.removeAllListeners('data');
    gunzip.destroy();
  }

  /** The next hop as Go's client builds it, or null when Go would hand the 3xx back (a 307/308 whose streamed body is gone). */
  private redirect(status: number, location: string): HttpCall['next'] {
    const current = new URL(this.href);
    let url: URL;
    try {
      url = new URL(location, current);
    } catch {
      return null;
    }
    const toGet = status <= 303 && this.method !== 'GET' && this.method !== 'HEAD';
    if (!toGet && this.body !== null && !Buffer.isBuffer(this.body)) return null;
    const sameHost = url.host === current.host;
    const headers: string[] = [];
    for (let i = 0; i < this.headers.length; i += 2) {
      const lower = this.headers[i]!.toLowerCase();
      if (lower === 'referer' || (!sameHost && CREDENTIALS.has(lower))) continue;
      if (toGet && (lower === 'content-length' || lower === 'content-type')) continue;
      headers.push(this.headers[i]!, this.headers[i + 1]!);
    }
    if (!(current.protocol === 'https:' && url.protocol === 'http:')) headers.push('Referer', current.href);
    return { origin: url.origin, path: url.pathname + url.search, method: toGet ? 'GET' : this.method, headers, body: toGet ? null : this.body };
  }
}

/** A response header's first value; names are compared only when the lengths match (no string made per header). */
function header(raw: Buffer[], lower: string): string | undefined {
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === lower.length && name.toString('latin1').toLowerCase() === lower) return raw[i + 1]!.toString('latin1');
  }
  return undefined;
}

function title(method: string): string {
  return method.charAt(0) + method.slice(1).toLowerCase();
}
