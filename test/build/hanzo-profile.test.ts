import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runHgw } from '../helpers/cli.js';
import { base, planOf } from '../helpers/check.js';
import { startRuntime } from '../helpers/gateway.js';
import { LISTENING, spawnWatched, type Spawned } from '../helpers/processes.js';
import { headerLines, request, startServer, type TestServer } from '../helpers/servers.js';
import { aliceClaims, makeSigningKey, signToken, startJwksServer, type JwksServer, type SigningKey } from '../runtime/auth/iam/iam-test-kit.js';

/**
 * The default profile is the Go Hanzo gateway's shipping engine (issue 14), built and run the way users
 * do: `hgw build` with no profile flag, then `node gateway.mjs`. A config in the credential-policy form,
 * the production headers (hanzo-core.md §4.2), the CORS policy (§5.5) and the probes (§8.1), each
 * checked against a real backend, a real JWKS server and real RS256 tokens; and the krakend profile of
 * the same config for contrast.
 */
const GO_POLICY_TEXT =
  '1 of 3 endpoints state no credential policy: every route says whether it needs an IAM identity, with "auth/public" true or false, and this config leaves that unsaid on 1 of them. Classify them in the mounted config, then start';

let work: string;
let key: SigningKey;
let jwks: JwksServer;
let backend: TestServer;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'hgw-hanzo-profile-'));
  key = await makeSigningKey('RS256', 'k1');
  jwks = await startJwksServer([key.jwk]);
  // Echoes what it received, and answers with headers a backend should not get to choose.
  backend = await startServer((req, res) => {
    const body = JSON.stringify({ path: req.url, headers: req.rawHeaders });
    res.writeHead(200, [
      'Content-Type', 'application/json',
      'Server', 'backend/1.0',
      'X-Powered-By', 'Express',
      'X-Krakend-Completed', 'true',
      'Access-Control-Allow-Origin', '*',
      'Access-Control-Allow-Credentials', 'true',
      'X-Backend', 'kept',
    ]).end(body);
  });
});
afterAll(async () => {
  await jwks.stop();
  await backend.close();
  rmSync(work, { recursive: true, force: true });
});

function policyConfig(extraEndpoints: unknown[] = []) {
  const ep = (path: string, isPublic: boolean) => ({
    endpoint: path,
    output_encoding: 'no-op',
    input_headers: ['Authorization', 'Content-Type'],
    backend: [{ url_pattern: path, host: [backend.url] }],
    extra_config: { 'auth/public': isPublic },
  });
  return base([ep('/public', true), ep('/private', false), ...extraEndpoints], { host: [backend.url] });
}

async function serve(config: unknown, ...flags: string[]): Promise<{ url: string; proc: Spawned }> {
  const file = join(work, `gateway-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(config, null, 2));
  const out = join(work, `dist-${Math.random().toString(36).slice(2)}`);
  const built = runHgw(['build', file, '--out', out, '--brand-version', '2.13.0', ...flags]);
  expect(built.code, built.stderr).toBe(0);
  const proc = spawnWatched(process.execPath, [join(out, 'gateway.mjs'), '-p', '0'], {
    PATH: process.env.PATH,
    AUTH_JWKS_URL: jwks.url,
    GATEWAY_CORS_ORIGINS: 'https://partner.example',
  });
  const port = (await proc.waitFor(LISTENING))[1];
  return { url: `http://127.0.0.1:${port}`, proc };
}

describe('the hanzo profile (default), credential-policy form', () => {
  let gw: { url: string; proc: Spawned };
  beforeAll(async () => {
    gw = await serve(policyConfig());
  });
  afterAll(() => {
    gw.proc.child.kill('SIGKILL');
  });

  it('refuses a non-public endpoint without a verified identity: no token, a forged X-User-Id, an API key', async () => {
    const refusal = '{"error":"unauthorized","message":"Authentication required"}';
    const attempts: Array<Record<string, string>> = [{}, { 'X-User-Id': 'admin', 'X-Org-Id': 'victim-org' }, { authorization: 'Bearer sk-live-0123456789' }];
    for (const headers of attempts) {
      const res = await request(`${gw.url}/private`, { headers });
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(res.body).toBe(refusal);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    }
  });

  it('serves a public endpoint anonymously, with no identity at the backend', async () => {
    const res = await request(`${gw.url}/public`, { headers: { 'X-User-Id': 'admin' } });
    expect(res.status).toBe(200);
    const echoed = JSON.parse(res.body) as { headers: string[] };
    expect(headerLines(echoed.headers, 'x-user-id')).toEqual([]);
  });

  it('lets a verified IAM token through with exactly the identity it grants', async () => {
    const token = await signToken(key, aliceClaims());
    const res = await request(`${gw.url}/private`, { headers: { authorization: `Bearer ${token}`, 'X-User-Id': 'admin', 'X-Org-Id': 'victim-org' } });
    expect(res.status).toBe(200);
    const echoed = JSON.parse(res.body) as { headers: string[] };
    // input_headers lists neither, yet the minted identity arrives; the forged values do not.
    expect(headerLines(echoed.headers, 'x-user-id')).toEqual(['alice']);
    expect(headerLines(echoed.headers, 'x-org-id')).toEqual(['hanzo']);
    expect(headerLines(echoed.headers, 'x-user-email')).toEqual(['alice@hanzo.ai']);
  });

  it('stamps the production headers by host brand and drops what a backend said about itself (§4.2)', async () => {
    const brands: Array<[string, string]> = [
      ['api.hanzo.ai', 'hanzo'],
      ['api.lux.network', 'lux'],
      ['console.lux.cloud', 'lux'],
      ['api.zoo.ngo', 'zoo'],
      ['console.zoo.cloud', 'zoo'],
      ['api.pars.network', 'pars'],
      ['probe.internal', 'gateway'],
    ];
    for (const [host, brand] of brands) {
      const res = await request(`${gw.url}/public`, { headers: { host } });
      expect(res.status, host).toBe(200);
      expect(headerLines(res.rawHeaders, 'server'), host).toEqual([brand]);
      expect(headerLines(res.rawHeaders, 'x-api-version')).toEqual(['2.13.0']);
      expect(headerLines(res.rawHeaders, 'x-content-type-options')).toEqual(['nosniff']);
      expect(headerLines(res.rawHeaders, 'strict-transport-security')).toEqual(['max-age=63072000; includeSubDomains']);
      expect(headerLines(res.rawHeaders, 'x-powered-by')).toEqual([]);
      expect(headerLines(res.rawHeaders, 'x-krakend')).toEqual([]);
      expect(headerLines(res.rawHeaders, 'x-krakend-completed')).toEqual([]);
      expect(headerLines(res.rawHeaders, 'x-gateway-completed')).toEqual(['false']);
      // stripBackendCORS: the gateway is the only source of CORS headers.
      expect(headerLines(res.rawHeaders, 'access-control-allow-origin')).toEqual([]);
      expect(headerLines(res.rawHeaders, 'access-control-allow-credentials')).toEqual([]);
      expect(headerLines(res.rawHeaders, 'x-backend')).toEqual(['kept']);
    }
    // The gateway's own answers are stamped too: a refusal and a 404.
    for (const path of ['/private', '/nowhere']) {
      const res = await request(`${gw.url}${path}`, { headers: { host: 'api.hanzo.ai' } });
      expect(headerLines(res.rawHeaders, 'server'), path).toEqual(['hanzo']);
      expect(headerLines(res.rawHeaders, 'x-powered-by'), path).toEqual([]);
    }
  });

  it('answers CORS with the one Hanzo policy (§5.5)', async () => {
    // An allowlisted origin: the preflight is answered before auth, echoing the requested headers.
    const pre = await request(`${gw.url}/private`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.hanzo.ai', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,origin' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('https://app.hanzo.ai');
    expect(pre.headers['access-control-allow-credentials']).toBe('true');
    expect(pre.headers['access-control-allow-headers']).toBe('content-type, origin');
    expect(pre.headers['access-control-allow-methods']).toBe('GET, POST, PUT, PATCH, DELETE, OPTIONS');
    expect(pre.headers['access-control-max-age']).toBe('86400');
    expect(pre.headers.vary).toBe('Origin, Access-Control-Request-Headers');
    // GATEWAY_CORS_ORIGINS adds exact origins.
    const partner = await request(`${gw.url}/public`, { headers: { origin: 'https://partner.example' } });
    expect(partner.headers['access-control-allow-origin']).toBe('https://partner.example');
    expect(headerLines(partner.rawHeaders, 'access-control-allow-origin')).toEqual(['https://partner.example']);
    // Not allowlisted (a brand domain only on a dot boundary): no CORS header; routing answers gin's 405 + Allow.
    for (const origin of ['https://hanzo.ai.attacker.example', 'https://evil.example']) {
      const miss = await request(`${gw.url}/public`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET' } });
      expect(miss.status, origin).toBe(405);
      expect(miss.headers.allow).toBe('GET');
      expect(Object.keys(miss.headers).filter((h) => h.startsWith('access-control-allow'))).toEqual([]);
      const simple = await request(`${gw.url}/public`, { headers: { origin } });
      expect(Object.keys(simple.headers).filter((h) => h.startsWith('access-control-allow'))).toEqual([]);
    }
  });

  it('serves /healthz with Lura\'s /__health off (§8.1), and /readyz', async () => {
    const health = await request(`${gw.url}/healthz`);
    expect(health.status).toBe(200);
    expect(health.body).toBe('{"status":"ok"}');
    expect(health.headers['content-type']).toBe('application/json; charset=utf-8');
    expect((await request(`${gw.url}/__health`)).status).toBe(404);
    expect((await request(`${gw.url}/readyz`)).body).toBe('{"status":"ready","service":"gateway"}');
  });
});

describe('an endpoint without a credential policy', () => {
  const unclassified = { endpoint: '/unsaid', backend: [{ url_pattern: '/unsaid' }] };

  it('is a check error at its position, with the Go engine\'s text, and nothing is built', () => {
    const file = join(work, 'unsaid.json');
    writeFileSync(file, JSON.stringify(policyConfig([unclassified]), null, 2));
    const check = runHgw(['check', file, '--format', 'json']);
    expect(check.code).toBe(1);
    const findings = (JSON.parse(check.stdout) as { diagnostics: Array<{ ruleId: string; message: string; pointer: string }> }).diagnostics;
    expect(findings.map((d) => [d.ruleId, d.pointer, d.message])).toEqual([['credential-policy-missing', '/endpoints/2/endpoint', GO_POLICY_TEXT]]);
    const build = runHgw(['build', file, '--out', join(work, 'never')]);
    expect(build.code).toBe(1);
    expect(build.stderr).toContain(GO_POLICY_TEXT);
  });

  it('is refused at start-up with the same text (a wiring that skipped check)', async () => {
    expect(planOf(policyConfig([unclassified]), undefined, 'hanzo').service.edge?.requireIdentity).toBe('policy');
    await expect(startRuntime(policyConfig([unclassified]), { profile: 'hanzo', env: { AUTH_JWKS_URL: jwks.url } })).rejects.toThrow(GO_POLICY_TEXT);
  });
});

describe('the IAM gate switched off ("iam": false)', () => {
  it('still strips identity and still refuses non-public endpoints (nobody has a verified identity), and still checks the policy', async () => {
    const off = (extra: unknown[] = []) => {
      const c = policyConfig(extra) as { extra_config?: Record<string, unknown> };
      c.extra_config = { 'github.com/hanzoai/gateway/edge': { iam: false } };
      return c;
    };
    const gw = await serve(off());
    try {
      const priv = await request(`${gw.url}/private`, { headers: { 'X-User-Id': 'evil' } });
      expect(priv.status).toBe(401);
      const pub = await request(`${gw.url}/public`, { headers: { 'X-User-Id': 'evil' } });
      expect(pub.status).toBe(200);
      expect(headerLines((JSON.parse(pub.body) as { headers: string[] }).headers, 'x-user-id')).toEqual([]);
    } finally {
      gw.proc.child.kill('SIGKILL');
    }
    const file = join(work, 'unsaid-iam-off.json');
    writeFileSync(file, JSON.stringify(off([{ endpoint: '/unsaid', backend: [{ url_pattern: '/unsaid' }] }]), null, 2));
    const check = runHgw(['check', file, '--format', 'json']);
    expect(check.code).toBe(1);
    expect((JSON.parse(check.stdout) as { diagnostics: Array<{ ruleId: string }> }).diagnostics.map((d) => d.ruleId)).toEqual(['credential-policy-missing']);
    await expect(startRuntime(off([{ endpoint: '/unsaid', backend: [{ url_pattern: '/unsaid' }] }]), { profile: 'hanzo' })).rejects.toThrow(GO_POLICY_TEXT);
  });
});

describe('the krakend profile of the same config', () => {
  it('is plain KrakenD: no edge chain, X-Powered-By branding, /__health, backend headers as sent', async () => {
    const gw = await serve(policyConfig(), '--profile', 'krakend');
    try {
      const res = await request(`${gw.url}/private`, { headers: { 'X-User-Id': 'admin' } });
      expect(res.status).toBe(200);
      // The gateway's brand first, then the backend's own lines, as KrakenD's no-op relays them.
      expect(headerLines(res.rawHeaders, 'x-powered-by')).toEqual(['hanzoai/gateway Version 2.13.0', 'Express']);
      expect(headerLines(res.rawHeaders, 'server')).toEqual(['backend/1.0']);
      expect((await request(`${gw.url}/__health`)).status).toBe(200);
      // The probes answer under both profiles; only the liveness body differs (the Go default build's here).
      expect((await request(`${gw.url}/healthz`)).body).toBe('{"status":"ok","service":"gateway"}');
    } finally {
      gw.proc.child.kill('SIGKILL');
    }
  });
});
