/**
 * What the Go gateway's parseAddr accepts as an address from a socket peer or
 * an X-Forwarded-For hop: surrounding white space trimmed, then a bare IP, or
 * `ip:port` / `[ipv6]:port` (netip.ParseAddrPort); IPv4-mapped IPv6 becomes
 * IPv4 so it meets the IPv4 prefixes of the trusted set.
 */
import { goTrimSpace } from '../go/go-trim-space.js';
import { parseIp, unmapIp, type IpAddress } from './ip-address.js';

export function parsePeerAddress(text: string): IpAddress | undefined {
  const s = goTrimSpace(text);
  if (s === '') return undefined;
  const ip = parseIp(s) ?? parseIpWithPort(s);
  return ip === undefined ? undefined : unmapIp(ip);
}

/** netip.ParseAddrPort: split at the last `:`; brackets exactly for IPv6; a decimal port up to 65535. */
function parseIpWithPort(s: string): IpAddress | undefined {
  const colon = s.lastIndexOf(':');
  if (colon === -1) return undefined;
  let host = s.slice(0, colon);
  const port = s.slice(colon + 1);
  if (host === '' || !isPort(port)) return undefined;
  const bracketed = host.charCodeAt(0) === 0x5b; /* [ */
  if (bracketed) {
    if (host.length < 2 || host.charCodeAt(host.length - 1) !== 0x5d /* ] */) return undefined;
    host = host.slice(1, -1);
  }
  const ip = parseIp(host);
  if (ip === undefined || bracketed !== (ip.bytes.length === 16)) return undefined;
  return ip;
}

/** strconv.ParseUint(port, 10, 16): digits only (leading zeros fine), at most 65535. */
function isPort(port: string): boolean {
  if (port === '') return false;
  let value = 0;
  for (let i = 0; i < port.length; i++) {
    const c = port.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
    value = value * 10 + (c - 0x30);
    if (value > 0xffff) return false;
  }
  return true;
}
