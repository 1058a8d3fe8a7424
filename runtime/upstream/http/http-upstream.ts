import type { BackendPlan } from '../../plan/plan.js';
import { mapHost } from '../../shared/host-map.js';
import { UpstreamError, type Upstream, type UpstreamDeps, type UpstreamHandler, type UpstreamRequest } from '../../shared/upstream/upstream.js';
import { HttpCall } from './http-call.js';
import { srvTargets } from './srv-targets.js';

interface Target {
  origin: string;
  /** A path prefix carried by a host-map target (`http://h:1/prefix`), else ''. */
  prefix: string;
}

/**
 * The default upstream: HTTP/1.1 to the backend's hosts through pooled
 * kept-alive undici connections, behaving as Go's client does for Lura
 * (HttpCall). Several hosts are balanced uniformly at random, as Lura does on
 * a multi-core machine; with `sd: dns` the hosts are the SRV answer's.
 */
export function httpUpstream(backend: BackendPlan, deps: UpstreamDeps): Upstream {
  let targets: Target[] = [];
  let noHost: UpstreamError | undefined;
  const useHosts = (hosts: readonly string[]) => {
    const next: Target[] = [];
    const invalid: string[] = [];
    for (const host of hosts) {
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
      next.push({ origin: url.origin, prefix: url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '') });
    }
    targets = next;
    noHost = next.length === 0 ? new UpstreamError('HGW_NO_HOST', invalid.length > 0 ? `invalid host: ${invalid.join(', ')}` : 'no hosts available for the backend') : undefined;
  };
  // sd: dns — the hosts come from SRV records and change with them.
  const srv = backend.sd === 'dns' && backend.hosts[0] !== undefined
    ? srvTargets(srvName(backend.hosts[0]), backend.sdScheme || 'http', deps.dnsCacheTtlMs ?? 30_000, useHosts)
    : undefined;
  if (!srv) useHosts(backend.hosts);
  const askGzip = !deps.disableCompression;

  const upstream: Upstream = {
    dispatch(request: UpstreamRequest, handler: UpstreamHandler): void {
      if (srv) {
        const state = srv.current();
        if (state instanceof Error && targets.length === 0) {
          handler.onError(new UpstreamError('HGW_NO_HOST', state.message));
          return;
        }
      }
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
  // The server listens once the first SRV answer is in (or after 2 s without one; calls then fail until it comes).
  if (srv) upstream.ready = Promise.race([srv.first, new Promise<void>((r) => setTimeout(r, 2000).unref())]);
  return upstream;
}

/** The SRV name in a host as written: sanitising may have put `http://` in front of it. */
function srvName(host: string): string {
  return host.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/\/+$/, '');
}

function hasHeader(headers: string[], lower: string): boolean {
  for (let i = 0; i < headers.length; i += 2) if (headers[i]!.length === lower.length && headers[i]!.toLowerCase() === lower) return true;
  return false;
}
