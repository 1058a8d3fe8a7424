/**
 * The per-request side of the trusted-proxy client IP: the socket peer (never
 * a framework's forwarded-header guess) and the first X-Forwarded-For line,
 * handed to the chain walk. Build once per trusted set, call per request.
 */
import type { IncomingMessage } from 'node:http';
import { clientIpFromChain } from './client-ip-from-chain.js';
import { firstHeaderLine } from './first-header-line.js';
import type { TrustedProxies } from './trusted-proxies.js';

export type ClientIpResolver = (req: IncomingMessage) => string;

export function clientIpResolver(trusted: TrustedProxies): ClientIpResolver {
  return (req) => clientIpFromChain(trusted, req.socket.remoteAddress ?? '', firstHeaderLine(req, 'x-forwarded-for') ?? '');
}
