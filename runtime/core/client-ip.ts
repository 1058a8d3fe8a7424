import type { IncomingMessage } from 'node:http';

/**
 * The client IP Lura puts in X-Forwarded-For, as gin's ClientIP() computes it
 * with the defaults (every proxy trusted): the left-most X-Forwarded-For entry,
 * else X-Real-IP, else the socket peer (IPv4-mapped IPv6 written as IPv4).
 * Trusted-proxy walks arrive with the client-IP issue.
 */
export function clientIp(req: IncomingMessage): string {
  const xff = req.headers['x-forwarded-for'];
  if (typeof xff === 'string' && xff !== '') {
    const comma = xff.indexOf(',');
    const first = (comma === -1 ? xff : xff.slice(0, comma)).trim();
    if (first !== '') return first;
  }
  const real = req.headers['x-real-ip'];
  if (typeof real === 'string' && real.trim() !== '') return real.trim();
  return socketIp(req);
}

export function socketIp(req: IncomingMessage): string {
  const addr = req.socket.remoteAddress ?? '';
  return addr.startsWith('::ffff:') ? addr.slice(7) : addr;
}
