/** GATEWAY_TRUSTED_PROXIES: the default set, replacement, dropped entries and netip's prefix rules. */
import { describe, expect, it } from 'vitest';
import { formatIp, parseIp, type IpAddress } from '../../../../runtime/shared/client-ip/ip-address.js';
import { parseIpPrefix } from '../../../../runtime/shared/client-ip/ip-prefix.js';
import { DEFAULT_TRUSTED_PROXIES, parseTrustedProxies, trustedProxiesFromEnv } from '../../../../runtime/shared/client-ip/trusted-proxies.js';

function ip(s: string): IpAddress {
  const parsed = parseIp(s);
  if (parsed === undefined) throw new Error(`bad test address ${s}`);
  return parsed;
}

describe('trusted proxies', () => {
  it('defaults to loopback, RFC 1918, CGNAT, link-local and unique-local ranges', () => {
    expect(DEFAULT_TRUSTED_PROXIES).toEqual(['127.0.0.0/8', '::1/128', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '169.254.0.0/16', 'fe80::/10', 'fc00::/7']);
    const t = trustedProxiesFromEnv({});
    expect(t.prefixes).toHaveLength(9);
    expect(t.rejected).toEqual([]);
    for (const a of ['127.0.0.1', '127.255.255.255', '::1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '100.64.0.1', '100.127.255.255', '169.254.1.1', 'fe80::1', 'febf::1', 'fc00::1', 'fdff::1']) {
      expect(t.contains(ip(a)), a).toBe(true);
    }
    for (const a of ['128.0.0.1', '172.32.0.1', '172.15.255.255', '100.128.0.1', '192.169.0.1', '8.8.8.8', '::2', 'fec0::1', 'fe00::1', '2001:db8::1', '::ffff:10.0.0.1']) {
      expect(t.contains(ip(a)), a).toBe(false);
    }
  });

  it('GATEWAY_TRUSTED_PROXIES="" keeps the defaults; any other value replaces them', () => {
    expect(trustedProxiesFromEnv({ GATEWAY_TRUSTED_PROXIES: '' }).prefixes).toHaveLength(9);
    const t = trustedProxiesFromEnv({ GATEWAY_TRUSTED_PROXIES: ' 198.51.100.0/24 ,2001:db8::/32' });
    expect(t.prefixes).toHaveLength(2);
    expect(t.contains(ip('198.51.100.200'))).toBe(true);
    expect(t.contains(ip('2001:db8:ffff::1'))).toBe(true);
    expect(t.contains(ip('127.0.0.1'))).toBe(false);
  });

  it.each([
    ['10.0.0.1'], // a bare IP is not a CIDR (netip.ParsePrefix wants a slash)
    ['not-a-cidr'],
    [''],
    ['10.0.0.0/33'],
    ['::/129'],
    ['10.0.0.0/08'], // leading zero in the bits
    ['10.0.0.0/+8'],
    ['10.0.0.0/-1'],
    ['10.0.0.0/'],
    ['010.0.0.0/8'],
    ['fe80::%eth0/10'], // zones are not allowed in a prefix
    ['10.0.0.0/8/8'],
  ])('drops %j', (entry) => {
    const t = parseTrustedProxies([entry, '10.0.0.0/8']);
    expect(t.prefixes).toHaveLength(1);
    expect(t.rejected).toEqual([entry]);
  });

  it('masks each prefix (10.1.2.3/8 trusts all of 10/8) and accepts /0', () => {
    expect(parseTrustedProxies(['10.1.2.3/8']).contains(ip('10.200.0.1'))).toBe(true);
    const all4 = parseTrustedProxies(['0.0.0.0/0']);
    expect(all4.contains(ip('8.8.8.8'))).toBe(true);
    expect(all4.contains(ip('2001:db8::1'))).toBe(false); // families never cross
    expect(parseTrustedProxies(['172.16.0.0/12']).contains(ip('172.31.0.1'))).toBe(true);
    expect(parseTrustedProxies(['203.0.113.9/32']).contains(ip('203.0.113.9'))).toBe(true);
    expect(parseTrustedProxies(['203.0.113.9/32']).contains(ip('203.0.113.8'))).toBe(false);
  });

  it('an IPv4-mapped IPv6 prefix matches no (unmapped) address, as in Go', () => {
    const t = parseTrustedProxies(['::ffff:10.0.0.0/104']);
    expect(t.prefixes).toHaveLength(1);
    expect(t.contains(ip('10.1.2.3'))).toBe(false);
  });

  it('a zoned address is in no prefix', () => {
    expect(parseTrustedProxies(['fe80::/10']).contains(ip('fe80::1%eth0'))).toBe(false);
  });

  it('parses prefixes to their masked network', () => {
    const p = parseIpPrefix('2001:db8:abcd:1234::1/36');
    expect(p && formatIp({ bytes: p.bytes, zone: '' })).toBe('2001:db8:a000::');
    expect(p?.bits).toBe(36);
  });
});
