import type { IncomingMessage } from 'node:http';

/**
 * Where the gateway's entry leaves the client IP its service's policy resolved
 * (service-client-ip.ts: trusted proxies, the hanzo profile). Absent: Lura's
 * default below.
 */
export const CLIENT_IP = Symbol('hgw.clientIp');
export type RequestWithClientIp = IncomingMessage & { [CLIENT_IP]?: string };

/**
 * The client IP Lura puts in X-Forwarded-For, as gin's ClientIP() computes it
 * with the defaults (every proxy trusted): the left-most X-Forwarded-For entry,
 * else X-Real-IP, else the socket peer (IPv4-mapped IPv6 written as IPv4) —
 * unless the gateway's entry resolved it under the service's policy.
 */
export function clientIp(req: IncomingMessage): string {
  const resolved = (req as RequestWithClientIp)[CLIENT_IP];
  if (resolved !== undefined) return resolved;
  let xff: string | undefined;
  let real: string | undefined;
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 15 && xff === undefined && name.toLowerCase() === 'x-forwarded-for') xff = raw[i + 1];
    else if (name.length === 9 && real === undefined && name.toLowerCase() === 'x-real-ip') real = raw[i + 1];
  }
  return clientIpFrom(xff, real, req);
}

/**
 * The same from header values already in hand (the request builder reads them
 * in its own pass over rawHeaders; `req.headers` is built lazily by Node, and
 * the hot path never asks for it).
 */
export function clientIpFrom(xff: string | undefined, real: string | undefined, req: IncomingMessage): string {
  const resolved = (req as RequestWithClientIp)[CLIENT_IP];
  if (resolved !== undefined) return resolved;
  if (xff !== undefined && xff !== '') {
    const comma = xff.indexOf(',');
    const first = (comma === -1 ? xff : xff.slice(0, comma)).trim();
    if (first !== '') return first;
  }
  if (real !== undefined && real.trim() !== '') return real.trim();
  return socketIp(req);
}

export function socketIp(req: IncomingMessage): string {
  // Node unsets `req.socket` once the exchange is over; callers that run late get '' rather than a throw.
  const addr = req.socket?.remoteAddress ?? '';
  return addr.startsWith('::ffff:') ? addr.slice(7) : addr;
}
