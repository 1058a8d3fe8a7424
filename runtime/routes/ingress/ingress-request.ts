import type { IncomingMessage } from 'node:http';
import { firstRequestHeader } from '../../shared/headers/request-header-lines.js';
import { clientIp } from '../../shared/client-ip/client-ip.js';
import type { ForwardedRequest } from '../forwarded-request.js';
import { forwardedPath } from '../forwarded-request.js';
import { asksForTrailers, withoutHopHeaders } from '../hop-headers.js';
import type { ProxyTarget } from '../host-table.js';

/**
 * What the ingress sends on (hanzo-core §6): the client's Host kept (backends
 * are white-labelled by it), `X-Forwarded-Host` = that Host, `X-Real-IP` =
 * the first X-Forwarded-For entry, else the client's X-Real-IP, else the
 * socket peer. The client's X-Forwarded-For passes once, unchanged: the
 * ingress sits behind Cloudflare, whose header it is. (The Go code re-adds
 * every inbound header after the copy and so sends some twice; each goes
 * once here.)
 */
const REPLACED = new Set(['expect', 'x-forwarded-host', 'x-real-ip']);

export function ingressForwardedRequest(req: IncomingMessage, target: ProxyTarget, rawPath: string, rawQuery: string): ForwardedRequest {
  const raw = req.rawHeaders;
  const headers = withoutHopHeaders(raw, REPLACED);
  if (asksForTrailers(raw)) headers.push('Te', 'trailers');
  const host = firstRequestHeader(req, 'host');
  if (host) headers.push('X-Forwarded-Host', host);
  headers.push('X-Real-IP', clientIp(req));
  return { origin: target.origin, path: forwardedPath(target, {}, rawPath, rawPath, rawQuery), headers };
}
