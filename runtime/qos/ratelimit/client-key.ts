/**
 * What tells one client from another for `client_max_rate`, per `strategy`:
 *  - `ip`: the trusted-proxy client IP (the socket peer, or the hop before the
 *    first of our own proxies in X-Forwarded-For — never a value the client
 *    picks itself). With `key`, that header is walked instead of
 *    X-Forwarded-For (KrakenD CE believes its first entry outright; the schema
 *    describes the trusted walk, which is what is done here).
 *  - `header`: the first line of header `key`, as Go's Header.Get.
 *  - `param`: the value of route parameter `key`.
 * An empty answer means "unidentified": KrakenD refuses such a request with
 * 429 rather than letting it share a bucket or pass unlimited.
 * Values longer than 64 characters (tokens in Authorization) are replaced by
 * their SHA-256, so a bucket key costs little memory whatever clients send.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { MiddlewareDeps } from '../../core/middleware.js';
import type { EndpointPlan } from '../../plan/plan.js';
import { clientIpFromChain } from '../../shared/client-ip/client-ip-from-chain.js';
import { clientIpResolver } from '../../shared/client-ip/client-ip-resolver.js';
import { firstHeaderLine } from '../../shared/client-ip/first-header-line.js';
import { trustedProxiesFromEnv } from '../../shared/client-ip/trusted-proxies.js';
import type { ClientStrategy } from './router-rate-limit-config.js';

export type ClientKey = (req: IncomingMessage, params: readonly string[]) => string;

const LONGEST_KEPT_AS_IS = 64;

/** `endpoint` may be undefined for the service-level limit (then `param` finds nothing). */
export function clientKey(strategy: ClientStrategy, key: string, endpoint: EndpointPlan | undefined, deps: MiddlewareDeps): ClientKey {
  switch (strategy) {
    case 'ip': {
      const trusted = trustedProxiesFromEnv(deps.env);
      if (key === '') return clientIpResolver(trusted);
      const header = key.toLowerCase();
      return (req) => clientIpFromChain(trusted, req.socket.remoteAddress ?? '', firstHeaderLine(req, header) ?? '');
    }
    case 'header': {
      const header = key.toLowerCase();
      return (req) => compactKey(firstHeaderLine(req, header) ?? '');
    }
    case 'param': {
      const index = endpoint?.params.indexOf(key) ?? -1;
      return (_req, params) => compactKey(index < 0 ? '' : (params[index] ?? ''));
    }
  }
}

export function compactKey(value: string): string {
  return value.length <= LONGEST_KEPT_AS_IS ? value : `#${createHash('sha256').update(value).digest('base64url')}`;
}
