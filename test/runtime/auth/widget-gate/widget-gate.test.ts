/**
 * The widget-key gate on the wire: a real node:http server runs the gate in
 * front of a handler that records what got through; requests are real HTTP.
 * The limiter runs on a fake clock, so windows are crossed without sleeping.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Middleware, MiddlewareDeps } from '../../../../runtime/core/middleware.js';
import type { ServicePlan } from '../../../../runtime/plan/plan.js';
import { branding } from '../../../../runtime/shared/branding.js';
import { createLogger } from '../../../../runtime/shared/log/logger.js';
import { clientIpResolver } from '../../../../runtime/shared/client-ip/client-ip-resolver.js';
import { trustedProxiesFromEnv } from '../../../../runtime/shared/client-ip/trusted-proxies.js';
import { createWidgetGate } from '../../../../runtime/auth/widget-gate/widget-gate.js';
import { widgetGateConfigFromEnv, type WidgetGateConfig } from '../../../../runtime/auth/widget-gate/widget-gate-config.js';
import { widgetGateMiddleware } from '../../../../runtime/auth/widget-gate/widget-gate-middleware.js';
import { request, startServer, type TestResponse, type TestServer } from '../../../helpers/servers.js';

const ORIGIN_REQUIRED = '{"error":"forbidden","message":"Widget keys require an Origin header. Use a Hanzo API key (sk-*) for server-to-server requests."}';
const RATE_LIMITED = '{"error":"rate_limited","message":"Widget rate limit exceeded. Try again shortly, or use a Hanzo API key (sk-*) for higher limits."}';
const notAuthorized = (host: string) => `{"error":"forbidden","message":"Widget key not authorized for origin: ${host}"}`;

const WIDGET = 'Bearer hz_widget_public';
const DOCS = 'https://docs.hanzo.ai';

const servers: TestServer[] = [];
afterEach(async () => {
  while (servers.length) await servers.pop()!.close();
});

interface Harness {
  url: string;
  /** Requests the handler behind the gate saw: method, url and raw header lines. */
  passed: Array<{ url: string; rawHeaders: string[] }>;
  advance(ms: number): void;
  send(headers?: Record<string, string | string[]>, method?: string): Promise<TestResponse>;
}

/** Chains middlewares in front of a recording handler on a real server on 127.0.0.1. */
async function serve(chain: Middleware[], clock?: { advance(ms: number): void }): Promise<Harness> {
  const passed: Harness['passed'] = [];
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    passed.push({ url: req.url ?? '', rawHeaders: [...req.rawHeaders] });
    res.end('passed');
  };
  const server = await startServer((req, res) => {
    const run = (i: number): void => {
      const mw = chain[i];
      if (mw === undefined) handler(req, res);
      else mw(req, res, () => run(i + 1));
    };
    run(0);
  });
  servers.push(server);
  return {
    url: server.url,
    passed,
    advance: (ms) => clock?.advance(ms),
    send: (headers = {}, method = 'POST') => request(`${server.url}/v1/chat/completions`, { method, headers }),
  };
}

/** The gate as the factory builds it, but with a fake clock and optional limit overrides. */
async function gate(env: Record<string, string> = {}, limits: Partial<WidgetGateConfig> = {}, before: Middleware[] = []): Promise<Harness> {
  let t = 5_000;
  const now = () => t;
  const config = { ...widgetGateConfigFromEnv(env), ...limits };
  const g = createWidgetGate({ config, clientIp: clientIpResolver(trustedProxiesFromEnv(env)), now });
  return serve([...before, g.middleware], { advance: (ms) => void (t += ms) });
}

function expectRefusal(res: TestResponse, status: number, body: string): void {
  expect(res.status).toBe(status);
  expect(res.body).toBe(body);
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(res.headers['content-length']).toBe(String(Buffer.byteLength(body)));
  expect(res.headers['retry-after']).toBeUndefined();
  expect(Object.keys(res.headers).filter((h) => h.includes('ratelimit') || h.includes('rate-limit'))).toEqual([]);
}

describe('widget gate: which requests it applies to', () => {
  it.each<[string, Record<string, string>]>([
    ['no credentials', {}],
    ['a Hanzo API key', { Authorization: 'Bearer sk-some-api-key' }],
    ['a publishable key', { Authorization: 'Bearer pk-publishable' }],
    ['an IAM JWT', { Authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.e30.sig' }],
    ['Basic credentials whose password is hz_', { Authorization: `Basic ${Buffer.from('user:hz_widget').toString('base64')}` }],
    ['an hz_ key in a cookie', { Cookie: 'hanzo_iam_token=hz_widget_public' }],
    ['"Bearer" alone', { Authorization: 'Bearer' }],
    ['no space after the scheme', { Authorization: 'Bearerhz_widget' }],
    ['a tab after the scheme', { Authorization: 'Bearer\thz_widget' }],
    ['another scheme', { Authorization: 'Token hz_widget' }],
    ['the key without a scheme', { Authorization: 'hz_widget_public' }],
    ['"Bearer hz_" read as a raw token', { Authorization: 'Bearer Bearer hz_widget' }],
    ['an upper-case prefix', { Authorization: 'Bearer HZ_widget' }],
    ['X-Authorization ignored when Authorization is set', { Authorization: 'Basic dXNlcjpwYXNz', 'X-Authorization': WIDGET }],
  ])('passes %s through untouched, with no Origin', async (_name, headers) => {
    const h = await gate();
    const res = await h.send({ ...headers, 'X-Test': 'kept' });
    expect(res.status).toBe(200);
    expect(res.body).toBe('passed');
    expect(h.passed).toHaveLength(1);
    const raw = h.passed[0]!.rawHeaders;
    for (const [name, value] of Object.entries({ ...headers, 'X-Test': 'kept' })) {
      const i = raw.findIndex((r, at) => at % 2 === 0 && r.toLowerCase() === name.toLowerCase());
      expect(raw[i + 1]).toBe(value);
    }
  });

  it('non-widget requests spend no widget budget', async () => {
    const h = await gate({}, { maxRequestsPerIp: 1 });
    for (let i = 0; i < 5; i++) expect((await h.send({ Authorization: 'Bearer sk-x' })).status).toBe(200);
    expect((await h.send({ Authorization: WIDGET, Origin: DOCS })).status).toBe(200);
    expect((await h.send({ Authorization: WIDGET, Origin: DOCS })).status).toBe(429);
  });

  it.each<[string, Record<string, string>]>([
    ['Authorization', { Authorization: WIDGET }],
    ['a lower-case scheme', { Authorization: 'bearer hz_x' }],
    ['an upper-case scheme and extra spaces', { Authorization: 'BEARER    hz_x  ' }],
    ['X-Authorization when Authorization is absent', { 'X-Authorization': WIDGET }],
    ['X-Authorization when Authorization is empty', { Authorization: '', 'X-Authorization': WIDGET }],
    ['a U+00A0 (UTF-8) before the key', { Authorization: 'Bearer \u00c2\u00a0hz_x' }],
  ])('gates an hz_ key from %s', async (_name, headers) => {
    const h = await gate();
    expectRefusal(await h.send(headers), 403, ORIGIN_REQUIRED);
    expect(h.passed).toHaveLength(0);
  });

  it('reads the first Authorization line only', async () => {
    const h = await gate();
    expect((await h.send({ Authorization: ['Bearer sk-x', WIDGET] })).status).toBe(200);
    expect((await h.send({ 'X-Authorization': ['Bearer sk-x', WIDGET] })).status).toBe(200);
    expect((await h.send({ 'X-Authorization': [WIDGET, 'Bearer sk-x'] })).status).toBe(403);
  });
});

describe('widget gate: origin allowlist', () => {
  it('refuses a widget key without Origin or Referer, whatever the User-Agent says', async () => {
    const h = await gate();
    for (const ua of ['Wget/1.21', 'kube-probe/1.31', 'curl/8.5.0', 'Mozilla/5.0', '']) {
      expectRefusal(await h.send({ Authorization: WIDGET, 'User-Agent': ua }), 403, ORIGIN_REQUIRED);
    }
    expect(h.passed).toHaveLength(0);
  });

  it('admits an allowed Origin (a brand subdomain) and passes the request on unchanged', async () => {
    const h = await gate();
    const res = await h.send({ Authorization: WIDGET, Origin: DOCS });
    expect(res.status).toBe(200);
    expect(h.passed).toHaveLength(1);
    expect(h.passed[0]!.url).toBe('/v1/chat/completions');
    expect(h.passed[0]!.rawHeaders).toEqual(expect.arrayContaining(['Authorization', WIDGET, 'Origin', DOCS]));
  });

  it.each([
    ['https://hanzo.ai'],
    ['https://app.hanzo.chat:8443'],
    ['http://localhost:3000'],
    ['https://tryon.karma.style'],
    ['https://docs.hanzo.ai/some/page'],
    ['docs.hanzo.ai'],
  ])('admits Origin %j', async (origin) => {
    const h = await gate();
    expect((await h.send({ Authorization: WIDGET, Origin: origin })).status).toBe(200);
  });

  it.each([
    ['https://evil.com', 'evil.com'],
    ['https://evilhanzo.ai', 'evilhanzo.ai'],
    ['https://nothanzo.ai', 'nothanzo.ai'],
    ['https://hanzo.ai.evil.com:443', 'hanzo.ai.evil.com'],
    ['https://HANZO.AI', 'HANZO.AI'],
    ['https://hanzo.ai.', 'hanzo.ai.'],
    ['https://hanzo.ai@evil.com', 'hanzo.ai@evil.com'],
    ['null', 'null'],
    ['http://[::1]:3000', '::1'],
  ])('refuses Origin %j naming host %j', async (origin, host) => {
    const h = await gate();
    expectRefusal(await h.send({ Authorization: WIDGET, Origin: origin }), 403, notAuthorized(host));
    expect(h.passed).toHaveLength(0);
  });

  it('falls back to Referer when Origin is absent or empty', async () => {
    const h = await gate();
    expect((await h.send({ Authorization: WIDGET, Referer: 'https://hanzo.ai/pricing' })).status).toBe(200);
    expect((await h.send({ Authorization: WIDGET, Origin: '', Referer: 'https://hanzo.ai/pricing' })).status).toBe(200);
    expectRefusal(await h.send({ Authorization: WIDGET, Referer: 'https://evil.com/page' }), 403, notAuthorized('evil.com'));
  });

  it('takes Origin over Referer', async () => {
    const h = await gate();
    expectRefusal(await h.send({ Authorization: WIDGET, Origin: 'https://evil.com', Referer: DOCS }), 403, notAuthorized('evil.com'));
    expect((await h.send({ Authorization: WIDGET, Origin: DOCS, Referer: 'https://evil.com' })).status).toBe(200);
  });

  it('reads the first Origin line only', async () => {
    const h = await gate();
    expect((await h.send({ Authorization: WIDGET, Origin: [DOCS, 'https://evil.com'] })).status).toBe(200);
    expectRefusal(await h.send({ Authorization: WIDGET, Origin: ['https://evil.com', DOCS] }), 403, notAuthorized('evil.com'));
  });

  it('an Origin whose host is empty counts as no Origin', async () => {
    const h = await gate();
    expectRefusal(await h.send({ Authorization: WIDGET, Origin: 'https://:8080' }), 403, ORIGIN_REQUIRED);
    expectRefusal(await h.send({ Authorization: WIDGET, Origin: '//docs.hanzo.ai' }), 403, ORIGIN_REQUIRED);
  });

  it('writes the refused host as Go json.Marshal does (HTML-safe escapes, \\ufffd for bytes that are not UTF-8)', async () => {
    const h = await gate();
    expectRefusal(await h.send({ Authorization: WIDGET, Origin: 'https://<b>&"x' }), 403, notAuthorized('\\u003cb\\u003e\\u0026\\"x'));
    const utf8Host = Buffer.from('ünï.com', 'utf8').toString('latin1');
    expectRefusal(await h.send({ Authorization: WIDGET, Origin: `https://${utf8Host}` }), 403, notAuthorized('ünï.com'));
    expectRefusal(await h.send({ Authorization: WIDGET, Origin: 'https://\u00e9vil.com' }), 403, notAuthorized('\\ufffdvil.com'));
  });

  it('keeps headers an earlier middleware set (CORS) on a refusal', async () => {
    const cors: Middleware = (req, res, next) => {
      res.setHeader('Access-Control-Allow-Origin', 'https://evil.com');
      next();
    };
    const h = await gate({}, {}, [cors]);
    const res = await h.send({ Authorization: WIDGET, Origin: 'https://evil.com' });
    expectRefusal(res, 403, notAuthorized('evil.com'));
    expect(res.headers['access-control-allow-origin']).toBe('https://evil.com');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('WIDGET_ALLOWED_ORIGINS replaces the default list', async () => {
    const h = await gate({ WIDGET_ALLOWED_ORIGINS: ' example.com ,, foo.test ' });
    expect((await h.send({ Authorization: WIDGET, Origin: 'https://app.example.com' })).status).toBe(200);
    expect((await h.send({ Authorization: WIDGET, Origin: 'http://foo.test:8080' })).status).toBe(200);
    expectRefusal(await h.send({ Authorization: WIDGET, Origin: DOCS }), 403, notAuthorized('docs.hanzo.ai'));
    expectRefusal(await h.send({ Authorization: WIDGET }), 403, ORIGIN_REQUIRED);
  });

  it('WIDGET_ALLOWED_ORIGINS="," empties the list, which turns the origin check off (rate limit stays)', async () => {
    const h = await gate({ WIDGET_ALLOWED_ORIGINS: ',' }, { maxRequestsPerIp: 2 });
    expect((await h.send({ Authorization: WIDGET })).status).toBe(200);
    expect((await h.send({ Authorization: WIDGET, Origin: 'https://evil.com' })).status).toBe(200);
    expectRefusal(await h.send({ Authorization: WIDGET }), 429, RATE_LIMITED);
  });

  it('WIDGET_ALLOWED_ORIGINS="" keeps the defaults', async () => {
    const h = await gate({ WIDGET_ALLOWED_ORIGINS: '' });
    expectRefusal(await h.send({ Authorization: WIDGET }), 403, ORIGIN_REQUIRED);
    expect((await h.send({ Authorization: WIDGET, Origin: 'https://lux.network' })).status).toBe(200);
  });
});

describe('widget gate: rate limits', () => {
  it('admits 10 requests a minute per IP, refuses the 11th with 429, and admits again once the window slides', async () => {
    const h = await gate();
    const headers = { Authorization: WIDGET, Origin: DOCS };
    for (let i = 0; i < 10; i++) {
      expect((await h.send(headers)).status).toBe(200);
      h.advance(1000);
    }
    expectRefusal(await h.send(headers), 429, RATE_LIMITED);
    h.advance(50_000); // exactly one minute after the first request: it still counts
    expectRefusal(await h.send(headers), 429, RATE_LIMITED);
    h.advance(1);
    expect((await h.send(headers)).status).toBe(200);
    expectRefusal(await h.send(headers), 429, RATE_LIMITED);
    expect(h.passed).toHaveLength(11);
  });

  it('a direct client cannot pick its bucket with X-Forwarded-For', async () => {
    // Loopback is not trusted here, so 127.0.0.1 is a direct client.
    const h = await gate({ GATEWAY_TRUSTED_PROXIES: '10.0.0.0/8' }, { maxRequestsPerIp: 2 });
    const send = (xff: string) => h.send({ Authorization: WIDGET, Origin: DOCS, 'X-Forwarded-For': xff });
    expect((await send('198.51.100.1')).status).toBe(200);
    expect((await send('198.51.100.2')).status).toBe(200);
    expectRefusal(await send('198.51.100.3'), 429, RATE_LIMITED);
  });

  it('behind a trusted proxy (loopback by default) each forwarded client has its own bucket', async () => {
    const h = await gate({}, { maxRequestsPerIp: 1 });
    const send = (xff: string) => h.send({ Authorization: WIDGET, Origin: DOCS, 'X-Forwarded-For': xff });
    expect((await send('203.0.113.9')).status).toBe(200);
    expect((await send('198.51.100.4')).status).toBe(200);
    expectRefusal(await send('203.0.113.9'), 429, RATE_LIMITED);
    expectRefusal(await send('1.1.1.1, 203.0.113.9'), 429, RATE_LIMITED); // padding on the left changes nothing
    expect((await send('203.0.113.9, garbage')).status).toBe(200); // a malformed hop: bucket on the peer, 127.0.0.1
    expectRefusal(await h.send({ Authorization: WIDGET, Origin: DOCS }), 429, RATE_LIMITED); // the same peer bucket
  });

  it('600 requests a minute overall: the next one from a new IP is refused', async () => {
    const h = await gate({}, { globalMaxRequests: 3 });
    const send = (xff: string) => h.send({ Authorization: WIDGET, Origin: DOCS, 'X-Forwarded-For': xff });
    for (let i = 1; i <= 3; i++) expect((await send(`203.0.113.${i}`)).status).toBe(200);
    expectRefusal(await send('203.0.113.99'), 429, RATE_LIMITED);
    h.advance(60_001);
    expect((await send('203.0.113.99')).status).toBe(200);
  });

  it('only requests that pass the origin check spend budget', async () => {
    const h = await gate({}, { maxRequestsPerIp: 2 });
    for (let i = 0; i < 5; i++) expect((await h.send({ Authorization: WIDGET, Origin: 'https://evil.com' })).status).toBe(403);
    for (let i = 0; i < 5; i++) expect((await h.send({ Authorization: WIDGET })).status).toBe(403);
    expect((await h.send({ Authorization: WIDGET, Origin: DOCS })).status).toBe(200);
    expect((await h.send({ Authorization: WIDGET, Origin: DOCS })).status).toBe(200);
    expect((await h.send({ Authorization: WIDGET, Origin: DOCS })).status).toBe(429);
  });

  it('refusals carry no body on HEAD but keep status and headers', async () => {
    const h = await gate({}, { maxRequestsPerIp: 0 });
    const res = await h.send({ Authorization: WIDGET, Origin: DOCS }, 'HEAD');
    expect(res.status).toBe(429);
    expect(res.body).toBe('');
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  });
});

describe('widgetGateMiddleware (the factory)', () => {
  function deps(env: Record<string, string>, lines: string[]): MiddlewareDeps {
    return {
      service: {} as ServicePlan,
      brand: branding({ name: 'hanzoai/gateway', version: 'test' }, false),
      hostMap: {},
      log: createLogger({ level: 'DEBUG', write: (l) => lines.push(l) }),
      env,
    };
  }

  it('reads WIDGET_ALLOWED_ORIGINS and GATEWAY_TRUSTED_PROXIES, and limits at 10 per IP per minute', async () => {
    const lines: string[] = [];
    const h = await serve([widgetGateMiddleware(deps({ WIDGET_ALLOWED_ORIGINS: 'example.com', GATEWAY_TRUSTED_PROXIES: '10.0.0.0/8' }, lines))]);
    expectRefusal(await h.send({ Authorization: WIDGET, Origin: DOCS }), 403, notAuthorized('docs.hanzo.ai'));
    for (let i = 0; i < 10; i++) {
      // 127.0.0.1 is not a trusted proxy here: every forged X-Forwarded-For lands in one bucket.
      expect((await h.send({ Authorization: WIDGET, Origin: 'https://example.com', 'X-Forwarded-For': `198.51.100.${i}` })).status).toBe(200);
    }
    expectRefusal(await h.send({ Authorization: WIDGET, Origin: 'https://example.com', 'X-Forwarded-For': '198.51.100.77' }), 429, RATE_LIMITED);
    expect(lines).toEqual([]);
  });

  it('warns about GATEWAY_TRUSTED_PROXIES entries it dropped', () => {
    const lines: string[] = [];
    widgetGateMiddleware(deps({ GATEWAY_TRUSTED_PROXIES: 'not-a-cidr, 10.0.0.1, 10.0.0.0/8' }, lines));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('WARNING');
    expect(lines[0]).toContain('"not-a-cidr", " 10.0.0.1"');
  });
});
