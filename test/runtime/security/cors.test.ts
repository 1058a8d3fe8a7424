import { afterEach, describe, expect, it } from 'vitest';
import type { Middleware } from '../../../runtime/core/middleware.js';
import { corsMiddleware } from '../../../runtime/security/cors/cors-middleware.js';
import { botDetectorMiddleware } from '../../../runtime/security/bot-detector/bot-detector-middleware.js';
import { corsSettings } from '../../../runtime/security/cors/cors-config.js';
import { parseGoDurationSeconds } from '../../../runtime/shared/go/go-duration.js';
import { AllowedHeaderSet } from '../../../runtime/security/cors/allowed-header-set.js';
import { writeHeadLines as writeHeadAdding } from '../../../runtime/core/responses.js';
import { deps, endpoint, fixtureExtraConfig, headerLines, loadSpec, request, sendSpec, serve, specHeaderMismatches, type Handler, type Served } from './serve-middleware.js';

const PREFLIGHT_VARY = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';
const CORS_NAMES = [
  'access-control-allow-origin',
  'access-control-allow-methods',
  'access-control-allow-headers',
  'access-control-allow-credentials',
  'access-control-max-age',
  'access-control-expose-headers',
  'access-control-allow-private-network',
];

let servers: Served[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function withCors(cors: Record<string, unknown> | undefined, handler?: Handler, more: Middleware[] = []): Promise<Served> {
  const extra = cors === undefined ? {} : { 'security/cors': cors };
  const s = await serve([corsMiddleware(deps(extra)), ...more], handler);
  servers.push(s);
  return s;
}

function corsHeadersOf(raw: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) if (CORS_NAMES.includes(raw[i]!.toLowerCase())) out.push(raw[i]!);
  return out;
}

describe('security/cors: the KrakenD CE specs cors_1..cors_5 (fixture config, CORS then bot detector)', () => {
  for (const name of ['cors_1', 'cors_2', 'cors_3', 'cors_4', 'cors_5']) {
    it(name, async () => {
      const spec = loadSpec(name);
      const extra = fixtureExtraConfig();
      // The stand-in endpoint has a body of its own: the spec's GET body is what the proxied backend makes
      // (the conformance suite's part); here it is enough that CORS lets the endpoint's body through untouched.
      const standIn = '{"stand-in":"endpoint"}';
      const s = await serve([corsMiddleware(deps(extra)), botDetectorMiddleware(deps(extra))], endpoint(standIn));
      servers.push(s);
      const res = await sendSpec(s.url, spec);
      expect(res.status).toBe(spec.out.status_code);
      expect(specHeaderMismatches(res, spec)).toEqual([]);
      // Preflights are answered by CORS itself (the spec's empty body) and never reach routing; the GET does.
      const preflight = spec.in.method === 'OPTIONS';
      expect(res.body).toBe(preflight ? spec.out.body : standIn);
      expect(s.reached()).toBe(preflight ? 0 : 1);
    });
  }

  it('cors_1 in full: exactly rs/cors preflight headers, max_age 12h, one Vary line, no Content-Length on 204', async () => {
    const s = await withCors(fixtureExtraConfig()['security/cors'] as Record<string, unknown>);
    const res = await sendSpec(s.url, loadSpec('cors_1'));
    expect(res.status).toBe(204);
    expect(headerLines(res.rawHeaders, 'vary')).toEqual([PREFLIGHT_VARY]);
    expect(headerLines(res.rawHeaders, 'access-control-max-age')).toEqual(['43200']);
    expect(headerLines(res.rawHeaders, 'access-control-allow-credentials')).toEqual([]);
    expect(headerLines(res.rawHeaders, 'content-length')).toEqual([]);
    expect(headerLines(res.rawHeaders, 'x-powered-by')).toEqual([]);
    expect(res.body).toBe('');
  });

  it('cors_2 / cors_3: a refused preflight still carries the preflight Vary, and nothing else of CORS', async () => {
    const s = await withCors(fixtureExtraConfig()['security/cors'] as Record<string, unknown>);
    for (const name of ['cors_2', 'cors_3']) {
      const res = await sendSpec(s.url, loadSpec(name));
      expect(res.status).toBe(204);
      expect(headerLines(res.rawHeaders, 'vary')).toEqual([PREFLIGHT_VARY]);
      expect(corsHeadersOf(res.rawHeaders)).toEqual([]);
    }
  });
});

describe('security/cors: preflight', () => {
  it('is answered before routing on any path, with no OPTIONS route and no route at all', async () => {
    const s = await withCors({});
    const res = await request(`${s.url}/no/such/route`, { method: 'OPTIONS', headers: { Origin: 'https://a.test', 'Access-Control-Request-Method': 'DELETE' } });
    expect(res.status).toBe(204);
    expect(s.reached()).toBe(0);
    // Default methods are rs/cors' GET, POST, HEAD: DELETE is refused.
    expect(corsHeadersOf(res.rawHeaders)).toEqual([]);
  });

  it('defaults (empty config): any origin as *, any requested header echoed raw, no max-age, no credentials', async () => {
    const s = await withCors({});
    const res = await request(`${s.url}/x`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://Anything.Example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'X-Zeta, x-alpha' },
    });
    expect(res.status).toBe(204);
    expect(headerLines(res.rawHeaders, 'access-control-allow-origin')).toEqual(['*']);
    expect(headerLines(res.rawHeaders, 'access-control-allow-methods')).toEqual(['POST']);
    expect(headerLines(res.rawHeaders, 'access-control-allow-headers')).toEqual(['X-Zeta, x-alpha']);
    expect(headerLines(res.rawHeaders, 'access-control-max-age')).toEqual([]);
    expect(headerLines(res.rawHeaders, 'access-control-allow-credentials')).toEqual([]);
  });

  it('without Access-Control-Request-Headers sends no Access-Control-Allow-Headers', async () => {
    const s = await withCors({ allow_headers: ['Content-Type'] });
    const res = await request(`${s.url}/x`, { method: 'OPTIONS', headers: { Origin: 'https://a.test', 'Access-Control-Request-Method': 'GET' } });
    expect(headerLines(res.rawHeaders, 'access-control-allow-origin')).toEqual(['*']);
    expect(headerLines(res.rawHeaders, 'access-control-allow-headers')).toEqual([]);
  });

  it('matches configured header names case-insensitively, but the request list as browsers send it (lower case, sorted, unique)', async () => {
    const s = await withCors({ allow_headers: ['X-Custom-Header', 'Authorization'] });
    const pre = (acrh: string | string[]) =>
      request(`${s.url}/x`, { method: 'OPTIONS', headers: { Origin: 'https://a.test', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': acrh } });
    const ok = await pre('authorization,x-custom-header');
    expect(headerLines(ok.rawHeaders, 'access-control-allow-headers')).toEqual(['authorization,x-custom-header']);
    // One space or tab of OWS around names, and empty elements, are tolerated; the list is echoed as sent.
    const ows = await pre('authorization, x-custom-header,');
    expect(headerLines(ows.rawHeaders, 'access-control-allow-headers')).toEqual(['authorization, x-custom-header,']);
    // Origin is always allowed.
    expect(headerLines((await pre('origin')).rawHeaders, 'access-control-allow-origin')).toEqual(['*']);
    // The list split over two header lines is accepted and echoed line by line.
    const split = await pre(['authorization', 'x-custom-header']);
    expect(headerLines(split.rawHeaders, 'access-control-allow-headers')).toEqual(['authorization', 'x-custom-header']);
    // rs/cors 1.11 refuses: mixed case, unsorted, duplicated, too much OWS, an unknown name.
    for (const bad of ['Authorization', 'x-custom-header,authorization', 'authorization,authorization', 'authorization,  x-custom-header', 'authorization,x-other']) {
      const res = await pre(bad);
      expect(res.status, bad).toBe(204);
      expect(corsHeadersOf(res.rawHeaders), bad).toEqual([]);
      expect(headerLines(res.rawHeaders, 'vary'), bad).toEqual([PREFLIGHT_VARY]);
    }
  });

  it('compares Access-Control-Request-Method exactly and echoes it; OPTIONS is always allowed', async () => {
    const s = await withCors({ allow_methods: ['PUT', 'DELETE'] });
    const pre = (m: string) => request(`${s.url}/x`, { method: 'OPTIONS', headers: { Origin: 'https://a.test', 'Access-Control-Request-Method': m } });
    expect(headerLines((await pre('PUT')).rawHeaders, 'access-control-allow-methods')).toEqual(['PUT']);
    expect(headerLines((await pre('OPTIONS')).rawHeaders, 'access-control-allow-methods')).toEqual(['OPTIONS']);
    expect(corsHeadersOf((await pre('put')).rawHeaders)).toEqual([]);
    expect(corsHeadersOf((await pre('GET')).rawHeaders)).toEqual([]);
  });

  it('max_age is a Go duration truncated to seconds; zero or unparsable sends none, negative sends 0', async () => {
    const cases: [unknown, string[]][] = [
      ['12h', ['43200']],
      ['1m30s', ['90']],
      ['1.9s', ['1']],
      ['500ms', []],
      ['0s', []],
      ['-1s', ['0']],
      ['12', []],
      [3600, []],
    ];
    for (const [maxAge, want] of cases) {
      const s = await withCors({ max_age: maxAge });
      const res = await request(`${s.url}/x`, { method: 'OPTIONS', headers: { Origin: 'https://a.test', 'Access-Control-Request-Method': 'GET' } });
      expect(headerLines(res.rawHeaders, 'access-control-max-age'), String(maxAge)).toEqual(want);
    }
  });

  it('allow_credentials with origin "*": rs/cors still answers "*" (plus Allow-Credentials: true)', async () => {
    const s = await withCors({ allow_origins: ['*'], allow_credentials: true });
    const pre = await request(`${s.url}/x`, { method: 'OPTIONS', headers: { Origin: 'https://a.test', 'Access-Control-Request-Method': 'GET' } });
    expect(headerLines(pre.rawHeaders, 'access-control-allow-origin')).toEqual(['*']);
    expect(headerLines(pre.rawHeaders, 'access-control-allow-credentials')).toEqual(['true']);
    const get = await request(`${s.url}/x`, { headers: { Origin: 'https://a.test' } });
    expect(headerLines(get.rawHeaders, 'access-control-allow-origin')).toEqual(['*']);
    expect(headerLines(get.rawHeaders, 'access-control-allow-credentials')).toEqual(['true']);
  });

  it('allow_credentials with a listed origin echoes the Origin as sent', async () => {
    const s = await withCors({ allow_origins: ['https://app.example.com'], allow_credentials: true });
    const res = await request(`${s.url}/x`, { method: 'OPTIONS', headers: { Origin: 'https://APP.example.com', 'Access-Control-Request-Method': 'POST' } });
    expect(headerLines(res.rawHeaders, 'access-control-allow-origin')).toEqual(['https://APP.example.com']);
    expect(headerLines(res.rawHeaders, 'access-control-allow-credentials')).toEqual(['true']);
  });

  it('options_success_status answers with that status (200 carries Content-Length: 0)', async () => {
    const s = await withCors({ options_success_status: 200 });
    const res = await request(`${s.url}/x`, { method: 'OPTIONS', headers: { Origin: 'https://a.test', 'Access-Control-Request-Method': 'GET' } });
    expect(res.status).toBe(200);
    expect(headerLines(res.rawHeaders, 'content-length')).toEqual(['0']);
    expect(res.body).toBe('');
    expect(s.reached()).toBe(0);
  });

  it('options_passthrough hands the preflight on with its CORS headers already set', async () => {
    const handler: Handler = (_req, res) => {
      res.writeHead(200, ['Allow', 'GET, OPTIONS', 'Content-Length', '0']).end();
    };
    const s = await withCors({ options_passthrough: true }, handler);
    const res = await request(`${s.url}/x`, { method: 'OPTIONS', headers: { Origin: 'https://a.test', 'Access-Control-Request-Method': 'GET' } });
    expect(s.reached()).toBe(1);
    expect(res.status).toBe(200);
    expect(headerLines(res.rawHeaders, 'allow')).toEqual(['GET, OPTIONS']);
    expect(headerLines(res.rawHeaders, 'access-control-allow-origin')).toEqual(['*']);
    expect(headerLines(res.rawHeaders, 'vary')).toEqual([PREFLIGHT_VARY]);
  });

  it('allow_private_network: Vary names the request header; Allow-Private-Network only when asked with "true"', async () => {
    const s = await withCors({ allow_private_network: true });
    const base = { Origin: 'https://a.test', 'Access-Control-Request-Method': 'GET' };
    const asked = await request(`${s.url}/x`, { method: 'OPTIONS', headers: { ...base, 'Access-Control-Request-Private-Network': 'true' } });
    expect(headerLines(asked.rawHeaders, 'vary')).toEqual([`${PREFLIGHT_VARY}, Access-Control-Request-Private-Network`]);
    expect(headerLines(asked.rawHeaders, 'access-control-allow-private-network')).toEqual(['true']);
    const notAsked = await request(`${s.url}/x`, { method: 'OPTIONS', headers: base });
    expect(headerLines(notAsked.rawHeaders, 'access-control-allow-private-network')).toEqual([]);
  });

  it('an OPTIONS without Access-Control-Request-Method is an actual request: headers set, then routing', async () => {
    const s = await withCors({ allow_origins: ['https://a.test'] });
    const res = await request(`${s.url}/x`, { method: 'OPTIONS', headers: { Origin: 'https://a.test' } });
    expect(s.reached()).toBe(1);
    expect(headerLines(res.rawHeaders, 'vary')).toEqual(['Origin']);
    expect(headerLines(res.rawHeaders, 'access-control-allow-origin')).toEqual(['https://a.test']);
  });

  it('a preflight without Origin gets only the Vary', async () => {
    const s = await withCors({});
    const res = await request(`${s.url}/x`, { method: 'OPTIONS', headers: { 'Access-Control-Request-Method': 'GET' } });
    expect(res.status).toBe(204);
    expect(headerLines(res.rawHeaders, 'vary')).toEqual([PREFLIGHT_VARY]);
    expect(corsHeadersOf(res.rawHeaders)).toEqual([]);
  });
});

describe('security/cors: origins', () => {
  it('a one-* pattern matches any middle part, lower-cased; the Origin is echoed as sent', async () => {
    const s = await withCors({ allow_origins: ['https://*.Example.com', 'http://localhost:*'] });
    const get = (origin: string) => request(`${s.url}/x`, { headers: { Origin: origin } });
    for (const origin of ['https://api.example.com', 'https://a.b.example.com', 'https://API.EXAMPLE.COM', 'http://localhost:3000']) {
      expect(headerLines((await get(origin)).rawHeaders, 'access-control-allow-origin'), origin).toEqual([origin]);
    }
    for (const origin of ['https://example.com', 'http://api.example.com', 'https://api.example.com.evil.test', 'null']) {
      const res = await get(origin);
      expect(corsHeadersOf(res.rawHeaders), origin).toEqual([]);
      expect(headerLines(res.rawHeaders, 'vary'), origin).toEqual(['Origin']);
    }
  });

  it('exact origins compare case-insensitively; "*" anywhere in the list allows all', async () => {
    const s = await withCors({ allow_origins: ['https://Exact.test'] });
    expect(headerLines((await request(`${s.url}/x`, { headers: { Origin: 'https://exact.TEST' } })).rawHeaders, 'access-control-allow-origin')).toEqual(['https://exact.TEST']);
    expect(corsHeadersOf((await request(`${s.url}/x`, { headers: { Origin: 'https://exact.test:443' } })).rawHeaders)).toEqual([]);
    const all = await withCors({ allow_origins: ['https://one.test', '*'] });
    expect(headerLines((await request(`${all.url}/x`, { headers: { Origin: 'https://other.test' } })).rawHeaders, 'access-control-allow-origin')).toEqual(['*']);
  });

  it('with two Origin lines the first decides and every line is echoed (Go reads Header["Origin"])', async () => {
    const s = await withCors({ allow_origins: ['https://one.test'] });
    const res = await request(`${s.url}/x`, { headers: { Origin: ['https://one.test', 'https://two.test'] } });
    expect(headerLines(res.rawHeaders, 'access-control-allow-origin')).toEqual(['https://one.test', 'https://two.test']);
  });
});

describe('security/cors: actual requests', () => {
  it('cors_5: Vary, ACAO and Expose-Headers are set before the endpoint and survive its writeHead array', async () => {
    const s = await withCors({ allow_origins: ['*'], expose_headers: ['Content-Length'] });
    const res = await request(`${s.url}/x`, { headers: { Origin: 'http://foo.example.tld' } });
    expect(res.status).toBe(200);
    expect(headerLines(res.rawHeaders, 'vary')).toEqual(['Origin']);
    expect(headerLines(res.rawHeaders, 'access-control-allow-origin')).toEqual(['*']);
    expect(headerLines(res.rawHeaders, 'access-control-expose-headers')).toEqual(['Content-Length']);
    expect(headerLines(res.rawHeaders, 'content-type')).toEqual(['application/json; charset=utf-8']);
    expect(headerLines(res.rawHeaders, 'x-gateway-completed')).toEqual(['true']);
  });

  it('Vary: Origin is added even without an Origin; nothing else', async () => {
    const s = await withCors({});
    const res = await request(`${s.url}/x`);
    expect(headerLines(res.rawHeaders, 'vary')).toEqual(['Origin']);
    expect(corsHeadersOf(res.rawHeaders)).toEqual([]);
  });

  it('a method outside allow_methods gets only the Vary', async () => {
    const s = await withCors({ allow_methods: ['GET'] });
    const res = await request(`${s.url}/x`, { method: 'DELETE', headers: { Origin: 'https://a.test' } });
    expect(s.reached()).toBe(1);
    expect(headerLines(res.rawHeaders, 'vary')).toEqual(['Origin']);
    expect(corsHeadersOf(res.rawHeaders)).toEqual([]);
  });

  it('expose_headers are canonicalised and joined on one line', async () => {
    const s = await withCors({ expose_headers: ['x-request-id', 'content-length', 'X-RATE-limit'] });
    const res = await request(`${s.url}/x`, { headers: { Origin: 'https://a.test' } });
    expect(headerLines(res.rawHeaders, 'access-control-expose-headers')).toEqual(['X-Request-Id, Content-Length, X-Rate-Limit']);
  });

  it('object-form writeHead keeps the CORS headers too', async () => {
    const handler: Handler = (_req, res) => {
      res.writeHead(404, { 'Content-Type': 'text/plain', 'Content-Length': 18 }).end('404 page not found');
    };
    const s = await withCors({}, handler);
    const res = await request(`${s.url}/x`, { headers: { Origin: 'https://a.test' } });
    expect(res.status).toBe(404);
    expect(headerLines(res.rawHeaders, 'vary')).toEqual(['Origin']);
    expect(headerLines(res.rawHeaders, 'access-control-allow-origin')).toEqual(['*']);
  });

  it('Node: a same-named header in the writeHead array replaces the middleware one; writeHeadAdding adds, as Go does', async () => {
    const replacing = await withCors({}, endpoint('{}', ['Vary', 'Accept-Encoding']));
    const r1 = await request(`${replacing.url}/x`, { headers: { Origin: 'https://a.test' } });
    expect(headerLines(r1.rawHeaders, 'vary')).toEqual(['Accept-Encoding']);
    expect(headerLines(r1.rawHeaders, 'access-control-allow-origin')).toEqual(['*']);

    const adding = await withCors({}, (_req, res) => {
      writeHeadAdding(res, 200, ['Vary', 'Accept-Encoding', 'Content-Length', '2']).end('{}');
    });
    const r2 = await request(`${adding.url}/x`, { headers: { Origin: 'https://a.test' } });
    expect(headerLines(r2.rawHeaders, 'vary')).toEqual(['Origin', 'Accept-Encoding']);
  });

  it('without security/cors the middleware passes everything through untouched', async () => {
    const s = await withCors(undefined);
    const res = await request(`${s.url}/x`, { method: 'OPTIONS', headers: { Origin: 'https://a.test', 'Access-Control-Request-Method': 'GET' } });
    expect(s.reached()).toBe(1);
    expect(headerLines(res.rawHeaders, 'vary')).toEqual([]);
  });

  it('debug logs rs/cors lines at DEBUG with a [CORS] prefix', async () => {
    const d = deps({ 'security/cors': { debug: true, allow_origins: ['https://a.test'] } });
    const s = await serve([corsMiddleware(d)]);
    servers.push(s);
    await request(`${s.url}/x`, { headers: { Origin: 'https://b.test' } });
    await request(`${s.url}/x`, { method: 'OPTIONS', headers: { Origin: 'https://a.test', 'Access-Control-Request-Method': 'GET' } });
    const text = d.logLines.join('');
    expect(text).toContain("▶ DEBUG [CORS]   Actual request no headers added: origin 'https://b.test' not allowed");
    expect(text).toContain('[CORS] Handler: Preflight request');
    expect(text).toContain('[CORS]   Preflight response headers: map[Access-Control-Allow-Methods:[GET] Access-Control-Allow-Origin:[https://a.test]');
  });
});

describe('security/cors: config and helpers', () => {
  it('reads KrakenD defaults: origins and headers "*", rs/cors methods, status 204', () => {
    expect(corsSettings({}).settings).toEqual({
      allowOrigins: ['*'],
      allowMethods: ['GET', 'POST', 'HEAD'],
      allowHeaders: ['*'],
      exposeHeaders: [],
      allowCredentials: false,
      allowPrivateNetwork: false,
      optionsPassthrough: false,
      optionsSuccessStatus: 204,
      maxAgeSeconds: 0,
      debug: false,
    });
    expect(corsSettings(undefined).settings).toBeUndefined();
    expect(corsSettings('on').settings).toBeUndefined();
    expect(corsSettings({ allow_origins: ['https://a', 3, null], options_success_status: 0 }).settings).toMatchObject({ allowOrigins: ['https://a'], optionsSuccessStatus: 204 });
  });

  it('parses Go durations', () => {
    expect(parseGoDurationSeconds('12h')).toBe(43200);
    expect(parseGoDurationSeconds('1h30m')).toBe(5400);
    expect(parseGoDurationSeconds('.5h')).toBe(1800);
    expect(parseGoDurationSeconds('1.5s')).toBe(1.5);
    expect(parseGoDurationSeconds('-2m')).toBe(-120);
    expect(parseGoDurationSeconds('0')).toBe(0);
    expect(parseGoDurationSeconds('300\u00b5s')).toBeCloseTo(0.0003);
    for (const bad of ['', '12', '1d', 'h', '.s', '1h-2m', '- 1s']) expect(parseGoDurationSeconds(bad), bad).toBeUndefined();
  });

  it('AllowedHeaderSet follows rs/cors 1.11 (sorted, unique, lower case, ≤16 empty elements, one OWS)', () => {
    const set = new AllowedHeaderSet(['X-Foo', 'x-bar', 'X-BAZ', 'x-foo']);
    expect(set.size).toBe(3);
    for (const ok of [[''], [','], ['\t, , '], ['x-bar,x-baz,x-foo'], [' x-bar\t, x-foo\t,'], ['x-bar', 'x-baz,x-foo'], ['x-bar' + ','.repeat(17) + 'x-foo'], new Array(16).fill('')]) {
      expect(set.accepts(ok), JSON.stringify(ok)).toBe(true);
    }
    for (const bad of [['X-Bar'], ['x-foo,x-bar'], ['x-bar,x-bar'], ['x-bar  '], ['\t\tx-bar'], ['x-qux'], ['x-bar' + ','.repeat(18) + 'x-foo'], new Array(17).fill(''), ['x-foo', 'x-bar']]) {
      expect(set.accepts(bad), JSON.stringify(bad)).toBe(false);
    }
  });
});
