/** Address parsing and printing as Go's net/netip does it, which is the text the rate limit buckets on. */
import { describe, expect, it } from 'vitest';
import { formatIp, parseIp, unmapIp } from '../../../../runtime/shared/client-ip/ip-address.js';
import { parsePeerAddress } from '../../../../runtime/shared/client-ip/peer-address.js';
import { goTrimSpace } from '../../../../runtime/shared/go/go-trim-space.js';

const roundTrip = (s: string) => {
  const ip = parseIp(s);
  return ip === undefined ? undefined : formatIp(unmapIp(ip));
};

describe('parseIp / formatIp (Go net/netip)', () => {
  it.each([
    ['0.0.0.0', '0.0.0.0'],
    ['255.255.255.255', '255.255.255.255'],
    ['1.2.3.4', '1.2.3.4'],
    ['::', '::'],
    ['::1', '::1'],
    ['1::', '1::'],
    ['2001:DB8::1', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // a single zero group is not compressed
    ['0:0:1:0:0:0:1:0', '0:0:1::1:0'], // the longest run wins
    ['1:0:0:2:0:0:3:4', '1::2:0:0:3:4'], // ties: the first run
    ['0000:0000:0000:0000:0000:0000:0000:0001', '::1'],
    ['::ffff:1.2.3.4', '1.2.3.4'],
    ['::FFFF:102:304', '1.2.3.4'],
    ['::ffff:1.2.3.4%eth0', '1.2.3.4'], // Unmap drops the zone
    ['1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:102:304'],
    ['fe80::1%eth0', 'fe80::1%eth0'],
    ['fe80::1%a b%c', 'fe80::1%a b%c'],
    ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'],
  ])('%j → %j', (input, want) => {
    expect(roundTrip(input)).toBe(want);
  });

  it.each([
    '',
    '1.2.3',
    '1.2.3.4.',
    '.1.2.3.4',
    '1..2.3',
    '01.2.3.4',
    '1.2.3.256',
    '1.2.3.4%eth0',
    '%eth0',
    'fe80::1%',
    ':',
    ':::',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7:8::',
    '::1::',
    '12345::',
    '1:2:3:4:5:6:7',
    '1::2:3:4:5:6:7:1.2.3.4',
    '1:2:3:4:5:1.2.3.4',
    '::ffff:01.2.3.4',
    '::ffff:1a.2.3.4',
    'g::1',
    ' 1.2.3.4',
    'localhost',
  ])('rejects %j', (input) => {
    expect(parseIp(input)).toBeUndefined();
  });
});

describe('parsePeerAddress (the gateway parseAddr)', () => {
  it.each([
    ['1.2.3.4:80', '1.2.3.4'],
    ['[::1]:80', '::1'],
    ['[fe80::1%eth0]:80', 'fe80::1%eth0'],
    ['[::ffff:1.2.3.4]:80', '1.2.3.4'],
    ['::1:80', '::1:80'], // a bare IPv6 address first
    ['\t1.2.3.4 \n', '1.2.3.4'],
  ])('%j → %j', (input, want) => {
    const ip = parsePeerAddress(input);
    expect(ip && formatIp(ip)).toBe(want);
  });

  it.each(['', '   ', '1.2.3.4:', ':80', '1.2.3.4:99999', '1.2.3.4:+80', '1.2.3.4:8a', '[1.2.3.4]:80', '[::1', '[::1]', '2001:db8::1]:80', 'host:80'])('rejects %j', (input) => {
    expect(parsePeerAddress(input)).toBeUndefined();
  });
});

describe('goTrimSpace', () => {
  it('trims ASCII white space and UTF-8 encoded Unicode spaces, keeps lone high bytes', () => {
    expect(goTrimSpace(' \t\n\v\f\rx\r\n')).toBe('x');
    expect(goTrimSpace('\u00c2\u0085\u00c2\u00a0x\u00e2\u0080\u0080\u00e2\u0080\u00a9')).toBe('x');
    expect(goTrimSpace('\u00a0x\u0085')).toBe('\u00a0x\u0085');
    expect(goTrimSpace('\u00e2\u0080\u008bx')).toBe('\u00e2\u0080\u008bx'); // U+200B is not white space
    expect(goTrimSpace('   ')).toBe('');
    expect(goTrimSpace('a b')).toBe('a b');
  });
});
