import { describe, expect, it } from 'vitest';
import { deltaSecondsMs, fieldNamesOf, parseCacheControl } from '../../../../runtime/qos/http-cache/cache-control.js';
import { freshnessLifetimeMs, initialAgeMs } from '../../../../runtime/qos/http-cache/freshness.js';
import { ResponseCache, variantKey } from '../../../../runtime/qos/http-cache/response-cache.js';
import { headersAfterNotModified } from '../../../../runtime/qos/http-cache/storage-policy.js';
import type { StoredResponse } from '../../../../runtime/qos/http-cache/stored-response.js';

/** The RFC 9111 building blocks on their own: directive parsing, lifetimes, ages, keys, 304 merging, the LRU. */
describe('Cache-Control parsing', () => {
  it('reads names case-insensitively, arguments as tokens or quoted strings, across lines; the first occurrence wins', () => {
    const cc = parseCacheControl(['Max-Age=60, private="Set-Cookie, X-A", no-cache', 'max-age=5 , s-maxage = 7,must-revalidate']);
    expect(cc.get('max-age')).toBe('60');
    expect(fieldNamesOf(cc.get('private'))).toEqual(['set-cookie', 'x-a']);
    expect(cc.get('no-cache')).toBe(true);
    expect(cc.get('s-maxage')).toBe('7');
    expect(cc.get('must-revalidate')).toBe(true);
  });

  it('turns delta-seconds into ms; malformed values are 0, huge ones capped at 2^31 s', () => {
    expect(deltaSecondsMs('60')).toBe(60_000);
    expect(deltaSecondsMs('-1')).toBe(0);
    expect(deltaSecondsMs('1.5')).toBe(0);
    expect(deltaSecondsMs(true)).toBe(0);
    expect(deltaSecondsMs('99999999999999')).toBe(2147483648 * 1000);
  });
});

describe('freshness arithmetic', () => {
  const t = Date.UTC(2026, 0, 1, 12);
  it('prefers s-maxage (shared), then max-age, then Expires − Date', () => {
    const headers = ['Date', new Date(t).toUTCString(), 'Expires', new Date(t + 30_000).toUTCString()];
    expect(freshnessLifetimeMs(parseCacheControl(['max-age=10, s-maxage=20']), headers, true, t)).toBe(20_000);
    expect(freshnessLifetimeMs(parseCacheControl(['max-age=10, s-maxage=20']), headers, false, t)).toBe(10_000);
    expect(freshnessLifetimeMs(parseCacheControl([]), headers, false, t)).toBe(30_000);
    expect(freshnessLifetimeMs(parseCacheControl([]), ['Expires', 'nonsense'], false, t)).toBe(0);
  });

  it('the initial age is the larger of the apparent age and Age plus the response delay', () => {
    const dated = ['Date', new Date(t - 8_000).toUTCString()];
    expect(initialAgeMs(dated, t - 1_000, t)).toBe(8_000);
    expect(initialAgeMs([...dated, 'Age', '20'], t - 1_000, t)).toBe(21_000);
    expect(initialAgeMs([], t - 500, t)).toBe(500);
  });
});

describe('variants and 304 merging', () => {
  it('keys by varied header values, normalising whitespace and line splits; absent differs from empty', () => {
    const names = ['accept', 'accept-language'];
    expect(variantKey('r', names, ['Accept', 'a, b', 'Accept-Language', 'en'])).toBe(variantKey('r', names, ['accept', 'a,b', 'ACCEPT-LANGUAGE', 'en']));
    expect(variantKey('r', names, ['Accept', 'a', 'Accept', 'b'])).toBe(variantKey('r', names, ['Accept', 'a,b']));
    expect(variantKey('r', names, ['Accept', ''])).not.toBe(variantKey('r', names, []));
  });

  it('a 304 replaces the stored lines it carries, except those describing the stored body', () => {
    const stored = ['Content-Type', 'text/plain', 'Content-Length', '5', 'ETag', '"1"', 'X-A', 'old', 'X-A', 'older'];
    const merged = headersAfterNotModified(stored, ['X-A', 'new', 'Content-Length', '0', 'Cache-Control', 'max-age=9', 'Connection', 'close']);
    expect(merged).toEqual(['Content-Type', 'text/plain', 'Content-Length', '5', 'ETag', '"1"', 'X-A', 'new', 'Cache-Control', 'max-age=9']);
  });
});

describe('ResponseCache', () => {
  const response = (body: string, varyNames: string[] = []): StoredResponse => ({
    status: 200,
    statusText: '',
    headers: [],
    body: Buffer.from(body),
    requestTime: 0,
    responseTime: 0,
    initialAgeMs: 0,
    lifetimeMs: 1000,
    alwaysRevalidate: false,
    neverStale: false,
    etag: undefined,
    lastModified: undefined,
    varyNames,
    url: undefined,
  });

  it('drops every variant when a resource starts varying on other headers, and on invalidate', () => {
    const cache = new ResponseCache(10, 1 << 20);
    cache.save('r', ['Accept', 'a'], response('A', ['accept']));
    cache.save('r', ['Accept', 'b'], response('B', ['accept']));
    expect(cache.itemCount).toBe(2);
    cache.save('r', ['X', '1'], response('X', ['x']));
    expect(cache.itemCount).toBe(1);
    expect(cache.lookup('r', ['Accept', 'a'])).toBeUndefined();
    expect(cache.lookup('r', ['X', '1'])?.body.toString()).toBe('X');
    cache.invalidate('r');
    expect(cache.itemCount).toBe(0);
    expect(cache.byteCount).toBe(0);
  });

  it('replacing a variant keeps the byte count exact', () => {
    const cache = new ResponseCache(10, 1 << 20);
    cache.save('r', [], response('aaaa'));
    const one = cache.byteCount;
    cache.save('r', [], response('aaaa'));
    expect(cache.byteCount).toBe(one);
    expect(cache.itemCount).toBe(1);
  });
});
