/**
 * IP addresses read and written exactly as Go's net/netip does it
 * (ParseAddr, Unmap, Addr.String), because the client IP the Go gateway
 * buckets on is netip's text form: IPv4 fields with a leading zero are
 * invalid, IPv6 may carry a zone, and IPv6 is printed RFC 5952-style.
 * node:net's isIP/BlockList accept and print addresses differently.
 */

export interface IpAddress {
  /** 4 bytes for IPv4, 16 for IPv6. */
  readonly bytes: Uint8Array;
  /** The IPv6 zone after `%` (never empty when present); '' for none and for IPv4. */
  readonly zone: string;
}

/** netip.ParseAddr: the first `.`, `:` or `%` decides the family. */
export function parseIp(s: string): IpAddress | undefined {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x2e /* . */) {
      const bytes = new Uint8Array(4);
      return parseIpv4Into(s, 0, s.length, bytes, 0) ? { bytes, zone: '' } : undefined;
    }
    if (c === 0x3a /* : */) return parseIpv6(s);
    if (c === 0x25 /* % */) return undefined;
  }
  return undefined;
}

/** Four decimal fields 0–255, no leading zeros, nothing else; written into out[at..at+4). */
function parseIpv4Into(s: string, from: number, to: number, out: Uint8Array, at: number): boolean {
  let value = 0;
  let digits = 0;
  let field = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      if (digits === 1 && value === 0) return false;
      value = value * 10 + (c - 0x30);
      digits++;
      if (value > 255) return false;
    } else if (c === 0x2e) {
      if (i === from || i === to - 1 || s.charCodeAt(i - 1) === 0x2e) return false;
      if (field === 3) return false;
      out[at + field++] = value;
      value = 0;
      digits = 0;
    } else {
      return false;
    }
  }
  if (field < 3) return false;
  out[at + 3] = value;
  return true;
}

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

function parseIpv6(input: string): IpAddress | undefined {
  let s = input;
  let zone = '';
  const percent = s.indexOf('%');
  if (percent !== -1) {
    zone = s.slice(percent + 1);
    s = s.slice(0, percent);
    if (zone === '') return undefined;
  }
  const bytes = new Uint8Array(16);
  let ellipsis = -1;
  let p = 0;
  if (s.length >= 2 && s.charCodeAt(0) === 0x3a && s.charCodeAt(1) === 0x3a) {
    ellipsis = 0;
    p = 2;
    if (p === s.length) return { bytes, zone };
  }
  let i = 0;
  while (i < 16) {
    let off = p;
    let acc = 0;
    for (; off < s.length; off++) {
      const d = hexDigit(s.charCodeAt(off));
      if (d < 0) break;
      if (off - p > 3) return undefined; // more than four hex digits
      acc = acc * 16 + d;
    }
    if (off === p) return undefined;
    if (off < s.length && s.charCodeAt(off) === 0x2e) {
      // A trailing dotted IPv4 replaces the last two groups.
      if (ellipsis < 0 && i !== 12) return undefined;
      if (i + 4 > 16) return undefined;
      if (!parseIpv4Into(s, p, s.length, bytes, i)) return undefined;
      p = s.length;
      i += 4;
      break;
    }
    bytes[i] = acc >> 8;
    bytes[i + 1] = acc & 0xff;
    i += 2;
    p = off;
    if (p === s.length) break;
    if (s.charCodeAt(p) !== 0x3a) return undefined;
    if (p + 1 === s.length) return undefined;
    p++;
    if (s.charCodeAt(p) === 0x3a) {
      if (ellipsis >= 0) return undefined;
      ellipsis = i;
      p++;
      if (p === s.length) break;
    }
  }
  if (p !== s.length) return undefined;
  if (i < 16) {
    if (ellipsis < 0) return undefined;
    const n = 16 - i;
    for (let j = i - 1; j >= ellipsis; j--) bytes[j + n] = bytes[j]!;
    bytes.fill(0, ellipsis, ellipsis + n);
  } else if (ellipsis >= 0) {
    return undefined; // `::` must stand for at least one zero group
  }
  return { bytes, zone };
}

/** netip.Addr.Unmap: `::ffff:a.b.c.d` (zone or not) becomes the IPv4 address a.b.c.d. */
export function unmapIp(ip: IpAddress): IpAddress {
  const b = ip.bytes;
  if (b.length !== 16 || b[10] !== 0xff || b[11] !== 0xff) return ip;
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return ip;
  return { bytes: b.slice(12), zone: '' };
}

/** netip.Addr.String (for addresses already unmapped): dotted IPv4, or RFC 5952 IPv6 plus `%zone`. */
export function formatIp(ip: IpAddress): string {
  const b = ip.bytes;
  if (b.length === 4) return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
  const group = (i: number) => (b[2 * i]! << 8) | b[2 * i + 1]!;
  // The longest run of two or more zero groups (the first one on a tie) becomes `::`.
  let zeroStart = -1;
  let zeroLength = 1;
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && group(j) === 0) j++;
    if (j - i > zeroLength) {
      zeroStart = i;
      zeroLength = j - i;
    }
  }
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (i === zeroStart) {
      out += '::';
      i += zeroLength;
      if (i >= 8) break;
    } else if (i > 0) {
      out += ':';
    }
    out += group(i).toString(16);
  }
  return ip.zone === '' ? out : `${out}%${ip.zone}`;
}
