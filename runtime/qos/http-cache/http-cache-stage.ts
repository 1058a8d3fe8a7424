/**
 * Why: `qos/http-cache` keeps backend answers in memory for as long as their
 * `Cache-Control`/`Expires` allow (RFC 9111), as KrakenD's httpcache client
 * does: only GET and HEAD are cached, keyed by the backend URL and the
 * `Vary` request headers; a fresh entry answers without calling the backend
 * (with its `Age`), a stale one with a validator is revalidated with a
 * conditional request, and anything else goes to the backend, streaming to
 * the caller while a storable answer is copied into the cache.
 */
import type { BackendPlan } from '../../plan/plan.js';
import type { BackendStageFactory, Upstream, UpstreamDeps, UpstreamHandler, UpstreamRequest } from '../../shared/upstream/upstream.js';
import { forwardingStage } from '../../shared/upstream/forwarding-stage.js';
import { cacheControlOf } from './cache-control.js';
import { CachingCall } from './caching-call.js';
import { reusableWithoutOrigin } from './freshness.js';
import { hasHeader } from './header-lines.js';
import { InvalidatingCall } from './invalidating-call.js';
import { ResponseCache } from './response-cache.js';
import { StoredReplay } from './stored-replay.js';
import type { StoredResponse } from './stored-response.js';

export interface HttpCacheStageOptions {
  /** Milliseconds clock (tests advance it by hand). */
  now?: () => number;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);
const CONDITIONAL_HEADERS = ['if-none-match', 'if-modified-since', 'if-match', 'if-unmodified-since', 'if-range'];

/**
 * An HTTP cache stage factory with its own clock and its own `shared: true`
 * store (sized by the first shared backend built, as in KrakenD).
 */
export function createHttpCacheStage(options: HttpCacheStageOptions = {}): BackendStageFactory {
  const now = options.now ?? Date.now;
  let sharedStore: ResponseCache | null = null;
  return (backend: BackendPlan, _deps: UpstreamDeps, next: Upstream): Upstream => {
    const config = backend.settings['qos/http-cache'];
    if (config === undefined) return next;
    const cache = config.shared ? (sharedStore ??= new ResponseCache(config.maxItems, config.maxSize)) : new ResponseCache(config.maxItems, config.maxSize);
    // KrakenD keys by the full backend URL: in a shared store, backends with other hosts must not collide.
    const origin = backend.hosts.join(' ');
    const resourceOf = (method: string, path: string): string => `${method} ${origin} ${path}`;

    return forwardingStage(next, {
      dispatch(request: UpstreamRequest, handler: UpstreamHandler): void {
        const method = request.method.toUpperCase();
        if (method !== 'GET' && method !== 'HEAD') {
          if (SAFE_METHODS.has(method)) next.dispatch(request, handler);
          else
            next.dispatch(
              request,
              new InvalidatingCall(() => {
                cache.invalidate(resourceOf('GET', request.path));
                cache.invalidate(resourceOf('HEAD', request.path));
              }, handler),
            );
          return;
        }
        // Partial content is not cached: the call goes through untouched.
        if (hasHeader(request.headers, 'range')) {
          next.dispatch(request, handler);
          return;
        }
        const resource = resourceOf(method, request.path);
        const requestCc = cacheControlOf(request.headers);
        const stored = cache.lookup(resource, request.headers);
        if (stored && reusableWithoutOrigin(stored, requestCc, now())) {
          request.url ??= stored.url;
          new StoredReplay(stored, handler, now()).start(true);
          return;
        }
        const revalidating = stored && (stored.etag !== undefined || stored.lastModified !== undefined) && !isConditional(request.headers) ? stored : undefined;
        const sent = revalidating ? withValidators(request, revalidating) : request;
        next.dispatch(sent, new CachingCall({ cache, shared: config.shared, now, resource, request, requestCc, revalidating }, handler));
      },
    });
  };
}

/** The `qos/http-cache` stage on the real clock, with the process-wide shared store. */
export const httpCache: BackendStageFactory = createHttpCacheStage();

/** The client's own conditional request is passed on as is: its 304 is for the client, not for the cache. */
function isConditional(headers: readonly string[]): boolean {
  return CONDITIONAL_HEADERS.some((h) => hasHeader(headers, h));
}

/**
 * The request with the stale entry's validators added (RFC 9111 §4.3.1). A
 * copy, so the caller's request object is left as it was; the URL the
 * upstream records is written through to it.
 */
function withValidators(request: UpstreamRequest, stale: StoredResponse): UpstreamRequest {
  const headers = [...request.headers];
  if (stale.etag !== undefined) headers.push('If-None-Match', stale.etag);
  if (stale.lastModified !== undefined) headers.push('If-Modified-Since', stale.lastModified);
  return {
    method: request.method,
    path: request.path,
    headers,
    body: request.body,
    ...(request.identity ? { identity: request.identity } : {}),
    get url() {
      return request.url;
    },
    set url(value: string | undefined) {
      request.url = value;
    },
  };
}
