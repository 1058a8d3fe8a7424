/**
 * CIDR prefixes as Go's netip reads and tests them (ParsePrefix, Masked,
 * Contains). node:net's BlockList does not fit: it lets `::ffff:0:0/96` match
 * plain IPv4 addresses and cannot say "a zoned address is in no prefix", both
 * of which netip decides the other way.
 */
import { parseIp, type IpAddress } from './ip-address.js';

export interface IpPrefix {
  /** The masked network address: 4 bytes (IPv4) or 16 (IPv6, IPv4-mapped ones included). */
  readonly bytes: Uint8Array;
  readonly bits: number;
}

/** netip.ParsePrefix(s).Masked(): `addr/bits`, no zone, bits in decimal without sign or leading zero. */
export function parseIpPrefix(s: string): IpPrefix | undefined {
  const slash = s.lastIndexOf('/');
  if (slash === -1) return undefined;
  const ip = parseIp(s.slice(0, slash));
  if (ip === undefined || ip.zone !== '') return undefined;
  const bitsText = s.slice(slash + 1);
  if (!/^(?:0|[1-9][0-9]*)$/.test(bitsText)) return undefined;
  const bits = Number(bitsText);
  if (bits > ip.bytes.length * 8) return undefined;
  return { bytes: masked(ip.bytes, bits), bits };
}

function masked(bytes: Uint8Array, bits: number): Uint8Array {
  const out = bytes.slice();
  for (let i = 0; i < out.length; i++) {
    const keep = bits - i * 8;
    if (keep <= 0) out[i] = 0;
    else if (keep < 8) out[i]! &= (0xff << (8 - keep)) & 0xff;
  }
  return out;
}

/** netip.Prefix.Contains: same family, no zone, the first `bits` bits equal. */
export function prefixContains(prefix: IpPrefix, ip: IpAddress): boolean {
  const a = prefix.bytes;
  const b = ip.bytes;
  if (a.length !== b.length || ip.zone !== '') return false;
  const whole = prefix.bits >> 3;
  for (let i = 0; i < whole; i++) if (a[i] !== b[i]) return false;
  const rest = prefix.bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (b[whole]! & mask) === a[whole];
}
