import { afterEach, describe, expect, it } from 'vitest';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { base } from '../helpers/check.js';
import { startRuntime } from '../helpers/gateway.js';
import { request, startServer, type TestServer } from '../helpers/servers.js';
import { compileCelChecks } from '../../runtime/validation/cel/cel-checks.js';

/**
 * `validation/cel` in a running gateway against real backends: request checks
 * before the call and response checks after it, at the endpoint (the answer
 * becomes Lura's error) and at a backend (that backend drops out of the
 * merge), the variables krakend-cel declares, and the JWT rejecter on claims
 * a real auth/validator verified.
 */
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** A backend answering JSON per path, recording what it was asked. */
async function backend(answers: Record<string, unknown>): Promise<TestServer & { calls: string[] }> {
  const calls: string[] = [];
  const s = await startServer((req, res) => {
    calls.push(`${req.method} ${req.url}`);
    const path = (req.url ?? '/').split('?')[0]!;
    const body = JSON.stringify(answers[path] ?? { path });
    res.writeHead(200, { 'Content-Type': 'application/json', 'X-Backend-Version': '7' }).end(body);
  });
  cleanups.push(() => s.close());
  return Object.assign(s, { calls });
}

async function gateway(config: unknown) {
  const g = await startRuntime(config);
  cleanups.push(() => g.close());
  return g;
}

const cel = (...exprs: string[]) => ({ 'validation/cel': exprs.map((check_expr) => ({ check_expr })) });
const withErrors = { extra_config: { router: { return_error_msg: true } } };

describe('validation/cel at the endpoint', () => {
  it('aborts with Lura\'s error before any backend call when a request check is false or fails, counting within the req list', async () => {
    const be = await backend({});
    const gw = await gateway(
      base(
        [
          {
            endpoint: '/items/{id}',
            input_headers: ['X-Tenant'],
            input_query_strings: ['page'],
            backend: [{ url_pattern: '/items/{id}', host: [be.url] }],
            extra_config: cel("resp_completed == true", "req_method == 'GET' && req_path.startsWith('/items/')", "int(req_params.Id) > 10", "'acme' in req_headers['X-Tenant']", "req_querystring.page[0] == '2'"),
          },
        ],
        withErrors,
      ),
    );
    const ok = await request(`${gw.url}/items/42?page=2&other=x`, { headers: { 'x-tenant': 'acme' } });
    expect(ok.status).toBe(200);
    expect(ok.headers['x-gateway-completed']).toBe('true');
    const cases: Array<[string, Record<string, string>, number]> = [
      ['/items/5?page=2', { 'x-tenant': 'acme' }, 1],
      ['/items/42?page=2', {}, 2],
      ['/items/42?page=3', { 'x-tenant': 'acme' }, 3],
      ['/items/abc?page=2', { 'x-tenant': 'acme' }, 1],
    ];
    const before = be.calls.length;
    for (const [path, headers, evaluator] of cases) {
      const res = await request(`${gw.url}${path}`, { headers });
      expect(res.status, path).toBe(500);
      expect(res.body, path).toBe(`request aborted by evaluator #${evaluator}`);
      expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(res.headers['x-gateway-completed']).toBe('false');
    }
    expect(be.calls.length).toBe(before);
  });

  it('sees only the headers Lura forwards (input_headers plus its own), never the others', async () => {
    const be = await backend({});
    const gw = await gateway(
      base([{ endpoint: '/h', input_headers: ['X-Allowed'], backend: [{ url_pattern: '/h', host: [be.url] }], extra_config: cel("'secret' in req_headers['X-Hidden']") }], withErrors),
    );
    expect((await request(`${gw.url}/h`, { headers: { 'x-hidden': 'secret', 'x-allowed': 'a' } })).body).toBe('request aborted by evaluator #0');
    const lura = await gateway(
      base([{ endpoint: '/h', input_headers: ['X-Allowed'], backend: [{ url_pattern: '/h', host: [be.url] }], extra_config: cel("req_headers['X-Allowed'] == ['a'] && size(req_headers['X-Forwarded-For']) == 1 && req_headers['User-Agent'][0].startsWith('hanzoai/gateway')") }], withErrors),
    );
    expect((await request(`${lura.url}/h`, { headers: { 'x-allowed': 'a' } })).status).toBe(200);
  });

  it('checks the merged response: data, completeness, now', async () => {
    const be = await backend({ '/a': { count: 3, price: 1.5, tags: ['x', 'y'] }, '/b': { count: 0 } });
    const ep = (path: string, url: string) => ({
      endpoint: path,
      backend: [{ url_pattern: url, host: [be.url] }],
      extra_config: cel("resp_data.count > 2 && resp_data.price < 2 && 'y' in resp_data.tags && resp_completed", "now.matches('^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$')"),
    });
    const gw = await gateway(base([ep('/good', '/a'), ep('/bad', '/b')], withErrors));
    const good = await request(`${gw.url}/good`);
    expect(good.status).toBe(200);
    expect(JSON.parse(good.body)).toEqual({ count: 3, price: 1.5, tags: ['x', 'y'] });
    const bad = await request(`${gw.url}/bad`);
    expect(bad.status).toBe(500);
    expect(bad.body).toBe('request aborted by evaluator #0');
    // The backend was called: response checks run after it.
    expect(be.calls).toContain('GET /b');
  });
});

describe('validation/cel at a backend', () => {
  it('drops a refused backend from the merge (partial answer), with the backend\'s method, path and status in view', async () => {
    const be = await backend({ '/one/7': { one: true }, '/two/7': { two: true } });
    const gw = await gateway(
      base([
        {
          endpoint: '/pair/{id}',
          backend: [
            { url_pattern: '/one/{id}', host: [be.url], method: 'POST', extra_config: cel("req_method == 'POST' && req_path == '/one/' + req_params.Id") },
            { url_pattern: '/two/{id}', host: [be.url], extra_config: cel("int(req_params.Id) % 2 == 0", "resp_metadata_status == 200") },
          ],
        },
      ]),
    );
    const res = await request(`${gw.url}/pair/7`);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ one: true });
    expect(res.headers['x-gateway-completed']).toBe('false');
    // The refused backend was never called; the other was.
    expect(be.calls).toEqual(['POST /one/7']);
  });

  it('refuses a backend whose response check is false after calling it', async () => {
    const be = await backend({ '/v': { version: 1 } });
    const gw = await gateway(
      base([{ endpoint: '/v', backend: [{ url_pattern: '/v', host: [be.url], extra_config: cel("resp_data.version >= 2", "resp_metadata_headers['X-Backend-Version'][0] == '7'") }] }], withErrors),
    );
    const res = await request(`${gw.url}/v`);
    expect(res.status).toBe(500);
    expect(res.body).toBe('request aborted by evaluator #0');
    expect(be.calls).toEqual(['GET /v']);
  });
});

describe('hostile names', () => {
  it('answers a request with a __proto__ header or query name, also after a body was read (JSON Schema + backend CEL)', async () => {
    const be = await backend({});
    const gw = await gateway(
      base(
        [
          {
            endpoint: '/p',
            method: 'POST',
            input_headers: ['*'],
            input_query_strings: ['*'],
            backend: [{ url_pattern: '/p', host: [be.url], extra_config: cel("req_method == 'POST'") }],
            extra_config: { 'validation/json-schema': { type: 'object' }, ...cel("size(req_headers) > 0 && size(req_querystring) >= 0") },
          },
        ],
        withErrors,
      ),
    );
    const res = await request(`${gw.url}/p?__proto__=x&constructor=y`, { method: 'POST', body: '{}', headers: { '__proto__': 'x', 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
  });
});

describe('validation/cel JWT rejecter', () => {
  it('answers 401 when the verified claims fail a JWT check, and passes them otherwise', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k', alg: 'RS256' };
    const jwks = await startServer((_req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
    cleanups.push(() => jwks.close());
    const be = await backend({ '/me': { me: 'ok' } });
    const gw = await gateway(
      base([
        {
          endpoint: '/me',
          backend: [{ url_pattern: '/me', host: [be.url] }],
          extra_config: {
            'auth/validator': { alg: 'RS256', jwk_url: `${jwks.url}/jwks`, disable_jwk_security: true, issuer: 'https://iam.example' },
            ...cel("size(JWT.roles) > 1 && JWT.sub.startsWith('user-')"),
          },
        },
      ]),
    );
    const sign = (claims: Record<string, unknown>) =>
      new SignJWT({ iss: 'https://iam.example', exp: Math.floor(Date.now() / 1000) + 60, ...claims }).setProtectedHeader({ alg: 'RS256', kid: 'k' }).sign(privateKey);
    const refused = await request(`${gw.url}/me`, { headers: { authorization: `Bearer ${await sign({ sub: 'user-1', roles: ['a'] })}` } });
    expect(refused.status).toBe(401);
    expect(refused.body).toBe('');
    const admitted = await request(`${gw.url}/me`, { headers: { authorization: `Bearer ${await sign({ sub: 'user-1', roles: ['a', 'b'] })}` } });
    expect(admitted.status).toBe(200);
    expect(JSON.parse(admitted.body)).toEqual({ me: 'ok' });
    expect(be.calls).toEqual(['GET /me']);
  });
});

describe('compiling checks', () => {
  it('sorts expressions by what they read, drops a whole set that does not parse, leaves out one that fails its type check', () => {
    const r = compileCelChecks([{ check_expr: "req_method == 'GET'" }, { check_expr: 'resp_completed' }, { check_expr: 'size(JWT.roles) > 0' }, { check_expr: "int(req_params.Id) + 'x' == 1" }, { check_expr: 'true' }]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect([r.checks.pre.length, r.checks.post.length, r.checks.jwt.length]).toEqual([1, 1, 1]);
    expect(r.skipped.map((s) => s.expr)).toEqual(["int(req_params.Id) + 'x' == 1"]);
    const broken = compileCelChecks([{ check_expr: "req_method == 'GET'" }, { check_expr: 'req_params.Id ==' }]);
    expect(broken).toMatchObject({ ok: false, expr: 'req_params.Id ==' });
  });

  it('turns the checks off with a warning when one does not parse, as KrakenD falls back to the plain proxy', async () => {
    const be = await backend({ '/x': { x: 1 } });
    const gw = await gateway(base([{ endpoint: '/x', backend: [{ url_pattern: '/x', host: [be.url] }], extra_config: cel('req_method == ', "req_method == 'POST'") }]));
    expect((await request(`${gw.url}/x`)).status).toBe(200);
    expect(gw.logs.some((l) => l.includes('does not parse') && l.includes('[ENDPOINT: /x][CEL]'))).toBe(true);
  });
});
