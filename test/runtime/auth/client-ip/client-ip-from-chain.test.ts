/** The trusted-proxy client IP against every case of hanzo-core §8.2 (the Go gateway's clientip_test.go), plus IPv6 and malformed input. */
import { describe, expect, it } from 'vitest';
import { clientIpFromChain } from '../../../../runtime/shared/client-ip/client-ip-from-chain.js';
import { parseTrustedProxies, trustedProxiesFromEnv } from '../../../../runtime/shared/client-ip/trusted-proxies.js';

const defaults = trustedProxiesFromEnv({});

describe('clientIpFromChain with the default trusted set (hanzo-core §8.2 table)', () => {
  it.each([
    ['203.0.113.9', '198.51.100.7', '203.0.113.9'], // a direct client cannot forge
    ['203.0.113.9', '10.0.0.1, 127.0.0.1', '203.0.113.9'], // …nor forge a trusted chain
    ['203.0.113.9', '', '203.0.113.9'],
    ['10.150.104.186', '203.0.113.9', '203.0.113.9'], // ingress forwards the client
    ['10.150.104.186', '203.0.113.9, 198.51.100.4', '198.51.100.4'], // right-most untrusted hop wins
    ['10.150.104.186', '1.1.1.1, 2.2.2.2, 203.0.113.9', '203.0.113.9'], // padding is ignored
    ['10.150.104.186', '203.0.113.9, 10.4.5.6, 10.7.8.9', '203.0.113.9'], // our own hops are skipped
    ['10.150.104.186', '', '10.150.104.186'],
    ['10.150.104.186', '10.1.2.3, 10.4.5.6', '10.1.2.3'], // whole chain in-cluster: left-most
    ['10.150.104.186', '203.0.113.9, garbage', '10.150.104.186'], // a malformed hop ends the walk
    ['203.0.113.9:53314', '', '203.0.113.9'],
    ['[2001:db8::1]:443', '', '2001:db8::1'],
    ['::ffff:127.0.0.1', '203.0.113.9', '203.0.113.9'], // v4-mapped loopback is loopback
    ['10.150.104.186', '  203.0.113.9  ', '203.0.113.9'],
    ['', '203.0.113.9', ''], // an unparsable peer is its own bucket
  ])('peer %j, X-Forwarded-For %j → %j', (peer, xff, want) => {
    expect(clientIpFromChain(defaults, peer, xff)).toBe(want);
  });

  it('20 requests from one direct peer with a rotating X-Forwarded-For share one bucket, the peer', () => {
    const buckets = new Set<string>();
    for (let i = 1; i <= 20; i++) buckets.add(clientIpFromChain(defaults, '203.0.113.9', `198.51.100.${i}`));
    expect([...buckets]).toEqual(['203.0.113.9']);
  });
});

describe('clientIpFromChain with GATEWAY_TRUSTED_PROXIES', () => {
  it('a configured CDN range is trusted to forward, and it replaces the defaults', () => {
    const t = trustedProxiesFromEnv({ GATEWAY_TRUSTED_PROXIES: '198.51.100.0/24' });
    expect(clientIpFromChain(t, '198.51.100.4', '203.0.113.9')).toBe('203.0.113.9');
    expect(clientIpFromChain(t, '10.150.104.186', '203.0.113.9')).toBe('10.150.104.186');
  });

  it('an unparsable entry is dropped and narrows trust', () => {
    const t = trustedProxiesFromEnv({ GATEWAY_TRUSTED_PROXIES: 'not-a-cidr, 10.0.0.0/8' });
    expect(clientIpFromChain(t, '10.150.104.186', '203.0.113.9')).toBe('203.0.113.9');
    expect(clientIpFromChain(t, '127.0.0.1', '203.0.113.9')).toBe('127.0.0.1');
  });

  it('an empty trusted set makes every peer the client', () => {
    const t = trustedProxiesFromEnv({ GATEWAY_TRUSTED_PROXIES: ',' });
    expect(clientIpFromChain(t, '127.0.0.1', '203.0.113.9')).toBe('127.0.0.1');
    expect(clientIpFromChain(t, '10.1.2.3', '203.0.113.9')).toBe('10.1.2.3');
  });
});

describe('clientIpFromChain over IPv6', () => {
  it.each([
    ['::1', '2001:db8::7', '2001:db8::7'], // v6 loopback is trusted
    ['::1', '2001:DB8:0:0:0:0:0:7', '2001:db8::7'], // returned in netip's text form
    ['[::1]:8080', '[2001:db8::7]:443', '2001:db8::7'],
    ['fd12:3456::1', '2001:db8::7, fd00::2', '2001:db8::7'], // fc00::/7 hops are ours
    ['fe80::1', '2001:db8::7', '2001:db8::7'], // link-local peer is trusted
    ['fe80::1%eth0', '2001:db8::7', 'fe80::1%eth0'], // …but a zoned address is in no prefix
    ['10.0.0.1', 'fe80::9%en0', 'fe80::9%en0'], // zoned hop: untrusted, returned with its zone
    ['10.0.0.1', '::ffff:203.0.113.9', '203.0.113.9'], // mapped hops are unmapped
    ['10.0.0.1', '[::ffff:203.0.113.9]:80', '203.0.113.9'],
    ['10.0.0.1', '::ffff:10.9.9.9', '10.9.9.9'], // mapped private hop: trusted, left-most
    ['::ffff:10.0.0.1', '203.0.113.9', '203.0.113.9'],
    ['2001:db8::1', '203.0.113.9', '2001:db8::1'], // untrusted v6 peer
    ['2001:0db8:0000:0000:0001:0000:0000:0001', '', '2001:db8::1:0:0:1'], // RFC 5952: first longest zero run
    ['::ffff:0:0', '', '0.0.0.0'],
    ['::', '', '::'],
    ['::1.2.3.4', '', '::102:304'], // an IPv4-compatible (not mapped) address stays IPv6
  ])('peer %j, X-Forwarded-For %j → %j', (peer, xff, want) => {
    expect(clientIpFromChain(defaults, peer, xff)).toBe(want);
  });
});

describe('clientIpFromChain with malformed input', () => {
  it.each([
    ['10.0.0.1', '203.0.113.9, 010.1.2.3', '10.0.0.1'], // IPv4 with a leading zero is malformed
    ['10.0.0.1', '203.0.113.9, 1.2.3', '10.0.0.1'],
    ['10.0.0.1', '203.0.113.9, 1.2.3.4.5', '10.0.0.1'],
    ['10.0.0.1', '203.0.113.9, 256.1.1.1', '10.0.0.1'],
    ['10.0.0.1', '203.0.113.9, 1.2.3.4:', '10.0.0.1'], // empty port
    ['10.0.0.1', '203.0.113.9, 1.2.3.4:65536', '10.0.0.1'], // port out of range
    ['10.0.0.1', '203.0.113.9, 1.2.3.4:0080', '1.2.3.4'], // leading zeros in a port are fine
    ['10.0.0.1', '203.0.113.9, [1.2.3.4]:80', '10.0.0.1'], // brackets only for IPv6
    ['10.0.0.1', '203.0.113.9, 2001:db8::1:443', '2001:db8::1:443'], // unbracketed: a bare IPv6 address
    ['10.0.0.1', '203.0.113.9, [2001:db8::1]', '10.0.0.1'], // brackets without a port
    ['10.0.0.1', '203.0.113.9, fe80::1%', '10.0.0.1'], // empty zone
    ['10.0.0.1', '203.0.113.9, 1:2:3:4:5:6:7:8:9', '10.0.0.1'],
    ['10.0.0.1', '203.0.113.9, 1::2::3', '10.0.0.1'],
    ['10.0.0.1', '203.0.113.9, 12345::1', '10.0.0.1'],
    ['10.0.0.1', '203.0.113.9, unknown', '10.0.0.1'],
    ['10.0.0.1', '203.0.113.9,', '10.0.0.1'], // trailing comma: an empty hop
    ['10.0.0.1', ',203.0.113.9', '203.0.113.9'], // leading empty hop is never reached
    ['10.0.0.1', '10.0.0.2,,10.0.0.3', '10.0.0.3'], // empty hop stops the walk: left-most trusted so far
    ['garbage', '203.0.113.9', 'garbage'], // unparsable peer: raw bucket
    ['1.2.3.4%eth0', '', '1.2.3.4%eth0'],
    ['  10.0.0.1\t', '203.0.113.9', '203.0.113.9'], // peer is trimmed too
  ])('peer %j, X-Forwarded-For %j → %j', (peer, xff, want) => {
    expect(clientIpFromChain(defaults, peer, xff)).toBe(want);
  });

  it('Go trims Unicode white space (as UTF-8 bytes) around a hop, but not a lone 0xA0 byte', () => {
    const nbsp = '\u00c2\u00a0'; // U+00A0 as Node hands over its UTF-8 bytes
    const ideographic = '\u00e3\u0080\u0080'; // U+3000
    expect(clientIpFromChain(defaults, '10.0.0.1', `${nbsp}203.0.113.9${ideographic}`)).toBe('203.0.113.9');
    expect(clientIpFromChain(defaults, '10.0.0.1', '\u00a0203.0.113.9')).toBe('10.0.0.1');
  });

  it('a set with no prefixes trusts nothing, even loopback', () => {
    expect(clientIpFromChain(parseTrustedProxies([]), '127.0.0.1', '203.0.113.9')).toBe('127.0.0.1');
  });
});
