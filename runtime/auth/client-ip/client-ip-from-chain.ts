/**
 * The client IP a rate limit buckets on, as the Go gateway's clientIP(peer,
 * xff) decides it: a peer outside the trusted set is the client (its own
 * X-Forwarded-For is ignored, so it cannot pick its bucket); behind a trusted
 * proxy the chain is walked right to left to the first hop we do not run.
 */
import { formatIp } from './ip-address.js';
import { parsePeerAddress } from './peer-address.js';
import type { TrustedProxies } from './trusted-proxies.js';

/**
 * `peer` is the socket peer (bare IP or ip:port); `forwardedFor` the raw
 * X-Forwarded-For value ('' when absent). Returns an address in netip's text
 * form, or the raw peer when that does not parse (one bucket for all of it).
 */
export function clientIpFromChain(trusted: TrustedProxies, peer: string, forwardedFor: string): string {
  const peerIp = parsePeerAddress(peer);
  if (peerIp === undefined) return peer;
  if (!trusted.contains(peerIp)) return formatIp(peerIp);
  let leftmost = '';
  let end = forwardedFor.length;
  for (;;) {
    const comma = end === 0 ? -1 : forwardedFor.lastIndexOf(',', end - 1);
    const hop = parsePeerAddress(forwardedFor.slice(comma + 1, end));
    if (hop === undefined) break; // a malformed hop ends the chain
    if (!trusted.contains(hop)) return formatIp(hop);
    leftmost = formatIp(hop);
    if (comma === -1) break;
    end = comma;
  }
  return leftmost !== '' ? leftmost : formatIp(peerIp);
}
