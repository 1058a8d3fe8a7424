/**
 * The client IP a rate limit buckets on, as the Go gateway's clientIP(peer,
 * xff) decides it: a peer outside the trusted set is the client (its own
 * X-Forwarded-For is ignored, so it cannot pick its bucket); behind a trusted
 * proxy the chain is walked right to left to the first hop we do not run.
 */
import { formatIp, type IpAddress } from './ip-address.js';
import { parsePeerAddress } from './peer-address.js';
import type { TrustedProxies } from './trusted-proxies.js';

/** What a socket peer's text comes to: parsed, whether trusted, and its netip text. */
interface PeerVerdict {
  peer: string;
  ip: IpAddress | undefined;
  trusted: boolean;
  text: string;
}

/**
 * The last peer seen per trusted set: requests arrive from few peers (a load
 * balancer, kept-alive clients), so a repeat is answered without parsing.
 */
const lastPeer = new WeakMap<TrustedProxies, PeerVerdict>();

function peerVerdict(trusted: TrustedProxies, peer: string): PeerVerdict {
  const last = lastPeer.get(trusted);
  if (last !== undefined && last.peer === peer) return last;
  const ip = parsePeerAddress(peer);
  const verdict: PeerVerdict = { peer, ip, trusted: ip !== undefined && trusted.contains(ip), text: ip === undefined ? peer : formatIp(ip) };
  lastPeer.set(trusted, verdict);
  return verdict;
}

/**
 * `peer` is the socket peer (bare IP or ip:port); `forwardedFor` the raw
 * X-Forwarded-For value ('' when absent). Returns an address in netip's text
 * form, or the raw peer when that does not parse (one bucket for all of it).
 */
export function clientIpFromChain(trusted: TrustedProxies, peer: string, forwardedFor: string): string {
  const verdict = peerVerdict(trusted, peer);
  if (verdict.ip === undefined || !verdict.trusted) return verdict.text;
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
  return leftmost !== '' ? leftmost : verdict.text;
}
