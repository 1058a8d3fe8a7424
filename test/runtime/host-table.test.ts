import { describe, expect, it } from 'vitest';
import { cloudApiUrlOrDefault, compileHostTable, DEFAULT_CLOUD_API_URL, requestHost } from '../../runtime/routes/host-table.js';
import { escapePath, joinSlash } from '../../runtime/routes/forwarded-request.js';
import { withoutHopHeaders } from '../../runtime/routes/hop-headers.js';
import { planOf } from '../helpers/check.js';

/** The compiled routes.yaml table and the path rules of Go's reverse proxy, without servers. */
const table = (yaml: string, cloudApiUrl?: string) => compileHostTable(planOf({ version: 3, endpoints: [] }, yaml).routes!, { hostMap: {}, cloudApiUrl });

describe('host table', () => {
  it('decides in Go\'s order: redirect, cloud-API host, exact host by longest prefix, subdomain pattern', () => {
    const t = table(
      `
redirects:
  api.hanzo.ai: https://elsewhere.example
routes:
  a.example:
    - { prefix: /, backend: "http://root:1" }
    - { prefix: /api/, backend: "http://api:1" }
    - { prefix: /api/v2/, backend: "http://v2:1", rewrite: /two/ }
subdomains:
  .example: "http://any:1"
  .b.example: "http://b:1"
`,
      'http://cloud:8000',
    );
    expect(t.match('api.hanzo.ai', '/v1')).toEqual({ kind: 'redirect', target: 'https://elsewhere.example' });
    expect(t.match('api.cloud.hanzo.ai', '/v1')).toMatchObject({ kind: 'proxy', target: { origin: 'http://cloud:8000' } });
    expect(t.match('a.example', '/api/v2/x')).toMatchObject({ target: { origin: 'http://v2:1' }, prefix: '/api/v2/', rewrite: '/two/' });
    expect(t.match('a.example', '/api/x')).toMatchObject({ target: { origin: 'http://api:1' }, prefix: '/api/' });
    expect(t.match('a.example', '/apix')).toMatchObject({ target: { origin: 'http://root:1' } });
    expect(t.match('x.b.example', '/')).toMatchObject({ target: { origin: 'http://b:1' } });
    expect(t.match('x.c.example', '/')).toMatchObject({ target: { origin: 'http://any:1' } });
    expect(t.match('nothing.test', '/')).toBeUndefined();
    expect(t.summary).toBe('1 host(s), 1 redirect(s), 2 subdomain pattern(s), cloud API → http://cloud:8000');
  });

  it('keeps file order for prefixes of equal length (Go leaves it undefined)', () => {
    const t = table('routes:\n  h:\n    - { prefix: /a, backend: "http://first:1" }\n    - { prefix: /b, backend: "http://second:1" }\n    - { prefix: /, backend: "http://root:1" }\n');
    expect(t.match('h', '/a')).toMatchObject({ target: { origin: 'http://first:1' } });
    expect(t.match('h', '/b')).toMatchObject({ target: { origin: 'http://second:1' } });
  });

  it('fails as a whole, with Go\'s message, when one backend cannot be proxied to', () => {
    expect(() => table('routes:\n  h:\n    - { prefix: /ok, backend: "http://fine:1" }\n    - { prefix: /x, backend: "ftp://nope" }\n')).toThrow('bad backend URL "ftp://nope" for h/x');
    expect(() => table('subdomains:\n  .t: "not a url"\n')).toThrow('bad subdomain backend URL "not a url" for .t');
  });

  it('falls back to the default cloud API URL for an empty, unparseable or host-less value', () => {
    expect(cloudApiUrlOrDefault(undefined)).toBe(DEFAULT_CLOUD_API_URL);
    expect(cloudApiUrlOrDefault(' ')).toBe(DEFAULT_CLOUD_API_URL);
    expect(cloudApiUrlOrDefault('::nope')).toBe(DEFAULT_CLOUD_API_URL);
    expect(cloudApiUrlOrDefault('http://cloud.local:9000')).toBe('http://cloud.local:9000');
  });

  it('reads the host up to the first colon, case kept', () => {
    expect(requestHost('Example.com:8443')).toBe('Example.com');
    expect(requestHost(undefined)).toBe('');
  });
});

describe('reverse-proxy paths and headers', () => {
  it('joins paths with exactly one slash (Go\'s singleJoiningSlash)', () => {
    expect(joinSlash('/', '/x')).toBe('/x');
    expect(joinSlash('/base', '/x')).toBe('/base/x');
    expect(joinSlash('/base/', '/x')).toBe('/base/x');
    expect(joinSlash('/base', 'x')).toBe('/base/x');
  });

  it('escapes a rewritten path as Go does, keeping the sub-delimiters it leaves alone', () => {
    expect(escapePath('/a b/c:d@e;f=g')).toBe('/a%20b/c:d@e;f=g');
    expect(escapePath('/ü?#')).toBe('/%C3%BC%3F%23');
  });

  it('drops hop-by-hop headers and those the Connection header names, keeping order and repeats', () => {
    expect(withoutHopHeaders(['A', '1', 'Connection', 'close, X-Hop', 'x-hop', 'h', 'Keep-Alive', '5', 'Transfer-Encoding', 'chunked', 'A', '2'])).toEqual(['A', '1', 'A', '2']);
  });
});
