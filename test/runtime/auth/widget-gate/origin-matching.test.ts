/** Origin / Referer host extraction and the allowlist match, including the look-alike hosts that must be refused. */
import { describe, expect, it } from 'vitest';
import { originHost } from '../../../../runtime/shared/headers/origin-host.js';
import { originMatcher } from '../../../../runtime/auth/widget-gate/origin-matcher.js';
import { DEFAULT_WIDGET_ALLOWED_ORIGINS } from '../../../../runtime/auth/widget-gate/widget-gate-config.js';

describe('originHost (Origin / Referer → host, Go extractOriginHost)', () => {
  it.each([
    ['https://docs.hanzo.ai', 'docs.hanzo.ai'],
    ['http://localhost:3000', 'localhost'],
    ['https://hanzo.ai/some/path', 'hanzo.ai'],
    ['docs.hanzo.ai', 'docs.hanzo.ai'],
    ['', ''],
    ['https://evil.com:8080/path', 'evil.com'],
    ['http://[::1]:3000', '::1'],
    ['http://[::1]', '[::1]'], // no port: kept as is, brackets included
    ['https://Docs.Hanzo.AI', 'Docs.Hanzo.AI'], // no lower-casing
    ['https://hanzo.ai.', 'hanzo.ai.'], // no trailing-dot removal
    ['https://hanzo.ai:', 'hanzo.ai'], // an empty port still splits
    ['https://hanzo.ai:abc', 'hanzo.ai'], // the port is not checked
    ['https://a:b:c', 'a:b:c'], // too many colons: kept as is
    ['https://[a]b:1', '[a]b:1'],
    ['https://user@hanzo.ai', 'user@hanzo.ai'], // userinfo is not removed
    ['https://:8080', ''], // an empty host
    ['//docs.hanzo.ai', ''], // no "://": cut at the first "/"
    ['null', 'null'],
    ['ftp://docs.hanzo.ai', 'docs.hanzo.ai'], // any scheme
    ['https://evil.com?x=.hanzo.ai', 'evil.com?x=.hanzo.ai'], // no "/" before the query: nothing cut
    ['https://evil.com/https://hanzo.ai', 'evil.com'],
    ['x://y://hanzo.ai', 'y'], // only the first "://" goes; "y://hanzo.ai" cut at "/" is "y:", host "y"
  ])('%j → %j', (value, want) => {
    expect(originHost(value)).toBe(want);
  });
});

describe('originMatcher (exact or subdomain, case-sensitive)', () => {
  const matches = originMatcher(['hanzo.ai', 'localhost', 'hanzo.bot']);

  it.each([
    ['hanzo.ai', true],
    ['docs.hanzo.ai', true],
    ['www.hanzo.ai', true],
    ['a.b.c.hanzo.ai', true],
    ['app.hanzo.bot', true],
    ['localhost', true],
    ['evil.com.hanzo.ai', true], // a subdomain, technically
    ['evil.com', false],
    ['nothanzo.ai', false],
    ['evilhanzo.ai', false],
    ['hanzo.ai.evil.com', false],
    ['hanzo.aix', false],
    ['xhanzo.ai', false],
    ['', false],
    ['.', false],
    ['HANZO.AI', false], // case-sensitive, as in Go
    ['Docs.Hanzo.AI', false],
    ['hanzo.ai.', false], // a trailing dot is not stripped
    ['docs.hanzo.ai.', false],
    ['.hanzo.ai', true], // ends with ".hanzo.ai"
    ['hanzo.ai:443', false], // ports are stripped before matching, never here
    ['https://hanzo.ai', false],
    ['notlocalhost', false],
    ['my.localhost', true],
  ])('%j → %s', (host, want) => {
    expect(matches(host)).toBe(want);
  });

  it('matches Origin values end to end, ports and schemes stripped first', () => {
    const m = originMatcher(DEFAULT_WIDGET_ALLOWED_ORIGINS);
    const allowed = (origin: string) => m(originHost(origin));
    expect(allowed('https://docs.hanzo.ai:8443')).toBe(true);
    expect(allowed('http://localhost:5173')).toBe(true);
    expect(allowed('https://tryon.karma.style')).toBe(true);
    expect(allowed('https://app.lux.exchange/trade?x=1')).toBe(true);
    expect(allowed('https://evilhanzo.ai')).toBe(false);
    expect(allowed('https://hanzo.ai.evil.com')).toBe(false);
    expect(allowed('https://hanzo.ai@evil.com')).toBe(false);
    expect(allowed('https://evil.com/hanzo.ai')).toBe(false);
    expect(allowed('https://HANZO.AI')).toBe(false);
    expect(allowed('https://hanzo.ai.')).toBe(false);
    expect(allowed('http://[::1]:3000')).toBe(false);
    // Go parity: without a "/" nothing is cut, so a query can carry the suffix (only a script can send this).
    expect(allowed('https://evil.com?.hanzo.ai')).toBe(true);
  });

  it('an entry given with a leading dot or empty string is taken literally', () => {
    expect(originMatcher(['.hanzo.ai'])('a..hanzo.ai')).toBe(true);
    expect(originMatcher(['.hanzo.ai'])('a.hanzo.ai')).toBe(false);
    expect(originMatcher([''])('x.')).toBe(true);
  });
});
