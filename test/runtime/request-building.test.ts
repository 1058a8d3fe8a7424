import { describe, expect, it } from 'vitest';
import { encodeQuery, parseQuery } from '../../runtime/core/query.js';
import { compileUrlPattern, expandUrlPattern } from '../../runtime/core/url-pattern.js';
import { mapHost, mapUrl, parseHostMap } from '../../runtime/shared/host-map.js';
import { goTimeString } from '../../runtime/core/health.js';

describe('Go-style query strings', () => {
  it('re-encodes with sorted keys, + for space and %XX for everything but unreserved bytes', () => {
    const q = parseQuery('b=2&a=x+y&a=%2F%C3%A9&c=~._-');
    expect(encodeQuery(q)).toBe('a=x+y&a=%2F%C3%A9&b=2&c=~._-');
  });

  it('drops pairs Go cannot parse (bad escapes, semicolons) and keeps the rest', () => {
    expect(encodeQuery(parseQuery('a=%zz&b=1&c=1;d=2&e'))).toBe('b=1&e=');
  });
});

describe('url_pattern expansion', () => {
  it('fills placeholders by name with the first letter upper-cased, as Lura does', () => {
    const p = compileUrlPattern('/users/{id}/orders/{Order}?x=1', ['id', 'order']);
    expect(expandUrlPattern(p, ['42', 'o-1'])).toBe('/users/42/orders/o-1?x=1');
    expect(p.hasQuery).toBe(true);
  });

  it('leaves a placeholder with no param as {{.Name}} and escapes what cannot go in a path', () => {
    const p = compileUrlPattern('/a/{missing}/{id}', ['id']);
    expect(expandUrlPattern(p, ['a b?c'])).toBe('/a/{{.Missing}}/a%20b%3Fc');
  });
});

describe('host map', () => {
  it('parses from=to pairs, maps named hosts first and * for the rest', () => {
    const m = parseHostMap(['http://a.svc:8000=http://127.0.0.1:9000', '*=http://127.0.0.1:9999/']);
    expect(mapHost(m, 'http://a.svc:8000')).toBe('http://127.0.0.1:9000');
    expect(mapHost(m, 'http://b.svc')).toBe('http://127.0.0.1:9999');
    expect(mapHost({}, 'http://b.svc')).toBe('http://b.svc');
  });

  it('maps full URLs by their origin as written, or normalised when only that is named', () => {
    const m = parseHostMap(['http://site.svc:80=http://127.0.0.1:9000', 'https://hanzo.id=http://127.0.0.1:9001']);
    expect(mapUrl(m, 'http://site.svc:80/a?b=1')).toBe('http://127.0.0.1:9000/a?b=1');
    expect(mapUrl(m, 'https://hanzo.id:443/.well-known/jwks')).toBe('http://127.0.0.1:9001/.well-known/jwks');
    expect(mapUrl(m, 'http://other.svc/x')).toBe('http://other.svc/x');
    expect(mapUrl(m, 'not a url')).toBe('not a url');
  });

  it('names the bad pair when the map is malformed', () => {
    expect(() => parseHostMap('nonsense')).toThrow(/"nonsense" is not from=to/);
    expect(() => parseHostMap('a=ftp://x')).toThrow(/must be http/);
    expect(() => parseHostMap('a=not a url')).toThrow(/is not a URL/);
  });
});

describe('health', () => {
  it('writes time as Go time.String() in UTC', () => {
    expect(goTimeString(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 120)))).toBe('2026-01-02 03:04:05.12 +0000 UTC');
    expect(goTimeString(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 0)))).toBe('2026-01-02 03:04:05 +0000 UTC');
  });
});
