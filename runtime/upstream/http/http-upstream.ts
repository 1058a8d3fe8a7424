import type { BackendPlan } from '../../plan/plan.js';
import { mapHost } from '../../core/host-map.js';
import { UpstreamError, type Upstream, type UpstreamDeps, type UpstreamHandler, type UpstreamRequest } from '../upstream.js';
import { HttpCall } from './http-call.js';

interface Target {
  origin: string;
  /** A path prefix carried by a host-map target (`http://h:1/prefix`), else ''. */
  prefix: string;
}

/**
 * The default upstream: HTTP/1.1 to the backend's hosts through pooled
 * kept-alive undici connections, behaving as Go's client does for Lura
 * (HttpCall). Several hosts are balanced uniformly at random, as Lura does on
 * a multi-core machine.
 */
export function httpUpstream(backend: BackendPlan, deps: UpstreamDeps): Upstream {
  const targets: Target[] = [];
  const invalid: string[] = [];
  for (const host of backend.hosts) {
    let url: URL;
    try {
      url = new URL(mapHost(deps.hostMap, host));
    } catch {
      invalid.push(host);
      continue;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      invalid.push(host);
      continue;
    }
    deps.pools.get(url.origin);
    targets.push({ origin: url.origin, prefix: url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '') });
  }
  const noHost =
    targets.length === 0
      ? new UpstreamError('HGW_NO_HOST', invalid.length > 0 ? `invalid host: ${invalid.join(', ')}` : 'no hosts available for the backend')
      : undefined;
  const askGzip = !deps.disableCompression;

  return {
    dispatch(request: UpstreamRequest, handler: UpstreamHandler): void {
      if (noHost) {
        handler.onError(noHost);
        return;
      }
      const target = targets.length === 1 ? targets[0]! : targets[(Math.random() * targets.length) | 0]!;
      // Go's transport asks for gzip itself (and then inflates) unless the caller chose an encoding or a range.
      let headers = request.headers;
      let addedGzip = false;
      if (askGzip && !hasHeader(headers, 'accept-encoding') && !hasHeader(headers, 'range')) {
        headers = [...headers, 'Accept-Encoding', 'gzip'];
        addedGzip = true;
      }
      new HttpCall(deps.pools, target.origin, target.prefix + request.path, request.method, headers, request.body, addedGzip, handler, request).start();
    },
    async close(): Promise<void> {
      // Pools are shared across backends; UpstreamPools.close releases them.
    },
  };
}

function hasHeader(headers: string[], lower: string): boolean {
  for (let i = 0; i < headers.length; i += 2) if (headers[i]!.length === lower.length && headers[i]!.toLowerCase() === lower) return true;
  return false;
}
