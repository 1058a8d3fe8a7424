import type { Dispatcher } from 'undici';
import type { BackendPlan } from '../../plan/plan.js';
import { mapHost } from '../../core/host-map.js';
import { UpstreamError, type Upstream, type UpstreamDeps, type UpstreamHandler, type UpstreamRequest } from '../upstream.js';

interface Target {
  pool: Dispatcher;
  /** A path prefix carried by a host-map target (`http://h:1/prefix`), else ''. */
  prefix: string;
}

/**
 * The default upstream: plain HTTP/1.1 to the backend's hosts through pooled
 * kept-alive undici connections. Several hosts are balanced uniformly at
 * random, as Lura does on a multi-core machine.
 */
export function httpUpstream(backend: BackendPlan, deps: UpstreamDeps): Upstream {
  const targets: Target[] = [];
  const invalid: string[] = [];
  for (const host of backend.hosts) {
    const mapped = mapHost(deps.hostMap, host);
    let url: URL;
    try {
      url = new URL(mapped);
    } catch {
      invalid.push(host);
      continue;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      invalid.push(host);
      continue;
    }
    targets.push({ pool: deps.pools.get(url.origin), prefix: url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '') });
  }
  const noHost =
    targets.length === 0
      ? new UpstreamError('HGW_NO_HOST', invalid.length > 0 ? `invalid host: ${invalid.join(', ')}` : 'no hosts available for the backend')
      : undefined;

  return {
    dispatch(request: UpstreamRequest, handler: UpstreamHandler): void {
      if (noHost) {
        handler.onError(noHost);
        return;
      }
      const target = targets.length === 1 ? targets[0]! : targets[(Math.random() * targets.length) | 0]!;
      target.pool.dispatch(
        {
          method: request.method as Dispatcher.HttpMethod,
          path: target.prefix === '' ? request.path : target.prefix + request.path,
          headers: request.headers,
          body: request.body,
        },
        handler as unknown as Dispatcher.DispatchHandler,
      );
    },
    async close(): Promise<void> {
      // Pools are shared across backends; UpstreamPools.close releases them.
    },
  };
}
