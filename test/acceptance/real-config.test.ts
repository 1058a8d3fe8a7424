import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request as httpRequest, Agent } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HGW_BIN, runHgw, FIXTURES } from '../helpers/cli.js';
import { headerLines, request, startServer, type TestServer } from '../helpers/servers.js';
import { LISTENING, spawnWatched, type Spawned } from '../helpers/processes.js';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { parse as parseYaml } from 'yaml';

/**
 * Issue #3's acceptance: the production config (193 endpoints) and its routes.yaml build, and the
 * bundle — started with a host map sending every backend to one catch-all
 * test backend — answers every endpoint with that backend's response.
 */
interface Endpoint {
  endpoint: string;
  method?: string;
  output_encoding?: string;
  backend: Array<{ url_pattern: string }>;
}

const CONFIG = join(FIXTURES, 'real-configs/hanzo-gateway.json');
const ROUTES = join(FIXTURES, 'real-configs/hanzo-routes.yaml');
const routesFile = parseYaml(readFileSync(ROUTES, 'utf8')) as {
  redirects: Record<string, string>;
  routes: Record<string, Array<{ prefix: string; backend: string; rewrite?: string }>>;
  subdomains: Record<string, string>;
};
const endpoints = (JSON.parse(readFileSync(CONFIG, 'utf8')) as { endpoints: Endpoint[] }).endpoints;
const STREAM_PATH = '/v1/chat/completions';

let dist: string;
let backend: TestServer;
let gateway: Spawned;
let url: string;
let releaseStream: () => void = () => {};
// 156 endpoints carry auth/validator (jwk_url https://hanzo.id/.well-known/jwks, issuer https://hanzo.id):
// the host map sends the key server to the catch-all too, which serves our test key there.
let jwk: JWK;
let authorization: string;
const agent = new Agent({ keepAlive: true, maxSockets: 16 });

beforeAll(async () => {
  dist = mkdtempSync(join(tmpdir(), 'hgw-real-'));
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  jwk = { ...(await exportJWK(publicKey)), kid: 'test', alg: 'RS256' };
  // An IAM token as hanzo.id issues them: the gateway's IAM gate (hanzo profile) and the config's
  // auth/validator both verify it against the same key server.
  const token = await new SignJWT({ sub: 'user-1', owner: 'org-1', roles: ['user'], orgs: [{ org: 'org-1', role: 'member' }], email: 'user-1@example.com' })
    .setProtectedHeader({ alg: 'RS256', kid: 'test' })
    .setIssuer('https://hanzo.id')
    .setAudience('hanzo-app')
    .setExpirationTime('1h')
    .sign(privateKey);
  authorization = `Bearer ${token}`;
  const built = runHgw(['build', CONFIG, '--routes', ROUTES, '--out', join(dist, 'out')]);
  expect(built.code, built.stderr).toBe(0);
  expect(built.stdout).toMatch(/193 endpoint\(s\)/);

  backend = await startServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/.well-known/jwks') {
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
        return;
      }
      if (req.url === STREAM_PATH) {
        // Server-sent events: the first event goes out now, the rest only once the test saw it arrive.
        res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
        res.write('data: {"delta":"first"}\n\n');
        releaseStream = () => res.end('data: [DONE]\n\n');
        return;
      }
      const status = statusFor(req.url ?? '');
      const body = JSON.stringify({ method: req.method, path: req.url, body: Buffer.concat(chunks).toString(), headers: req.rawHeaders });
      res.writeHead(status, [['Content-Type', 'application/json'], ['X-Catch-All', 'yes'], ['Set-Cookie', 's=1'], ['Set-Cookie', 't=2']].flat());
      res.end(body);
    });
  });
  gateway = spawnWatched(process.execPath, [join(dist, 'out', 'gateway.mjs'), '-p', '0'], {
    PATH: process.env.PATH,
    HGW_HOST_MAP: `*=${backend.url}`,
    AUTH_JWKS_URL: `${backend.url}/.well-known/jwks`,
  });
  url = `http://127.0.0.1:${(await gateway.waitFor(LISTENING))[1]}`;
});

afterAll(async () => {
  agent.destroy();
  gateway?.child.kill('SIGKILL');
  await backend?.close();
  rmSync(dist, { recursive: true, force: true });
});

/** `/v1/users/{id}` → `/v1/users/p-id`, and the backend path the same params give. */
function concrete(ep: Endpoint): { path: string; backendPath: string } {
  const fill = (s: string) => s.replace(/\{([^}]+)\}/g, (_m, name: string) => `p-${name.toLowerCase()}`);
  return { path: fill(ep.endpoint), backendPath: fill(ep.backend[0]!.url_pattern) };
}

describe('the 193-endpoint production config, built and served', () => {
  it('refuses a request without a token on an endpoint with auth/validator (401)', async () => {
    const ep = endpoints.find((e) => e.endpoint === '/v1/embeddings')!;
    const res = await request(`${url}${concrete(ep).path}`, { method: ep.method ?? 'POST', body: '{}' });
    expect(res.status).toBe(401);
  });

  it('answers every endpoint with the catch-all backend\'s status, headers and body', async () => {
    expect(endpoints).toHaveLength(193);
    const failures: string[] = [];
    let i = 0;
    const work = endpoints.map((ep) => async () => {
      const n = i++;
      const method = ep.method ?? 'GET';
      const { path, backendPath } = concrete(ep);
      if (backendPath === STREAM_PATH) return; // covered by the streaming test
      const noop = (ep.output_encoding ?? 'no-op') === 'no-op';
      const body = ['POST', 'PUT', 'PATCH'].includes(method) ? `{"n":${n}}` : undefined;
      const res = await request(`${url}${path}`, {
        method,
        agent,
        // Each request from its own client (TEST-NET addresses via the trusted loopback proxy), so the
        // config's per-client rate limits (100/s shared across endpoints) do not refuse this sweep.
        headers: { authorization, 'x-forwarded-for': `203.0.113.${n % 250}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body,
      });
      const got = `${method} ${ep.endpoint}: ${res.status} ${res.body.slice(0, 120)}`;
      if (noop) {
        // No-op: the backend's answer verbatim, whatever its status.
        const echoed = safeJson(res.body) as { method?: string; path?: string; body?: string } | undefined;
        if (!echoed || echoed.method !== method || echoed.path?.split('?')[0] !== backendPath) failures.push(`wrong backend request: ${got}`);
        else if (body !== undefined && echoed.body !== body) failures.push(`body not forwarded: ${got}`);
        else if (headerLines(res.rawHeaders, 'x-catch-all')[0] !== 'yes' || headerLines(res.rawHeaders, 'set-cookie').join() !== 's=1,t=2') failures.push(`headers lost: ${got}`);
        else if (res.status !== statusFor(backendPath)) failures.push(`status not relayed (want ${statusFor(backendPath)}): ${got}`);
      } else if (res.status !== 200 || (safeJson(res.body) as { path?: string } | undefined)?.path !== backendPath) {
        failures.push(`decoding endpoint: ${got}`);
      }
    });
    for (let k = 0; k < work.length; k += 16) await Promise.all(work.slice(k, k + 16).map((w) => w()));
    expect(failures).toEqual([]);
  });

  it('streams server-sent events: the first event reaches the client before the backend has finished', async () => {
    const ep = endpoints.find((e) => e.backend[0]!.url_pattern === STREAM_PATH)!;
    const { path } = concrete(ep);
    const events = await new Promise<string[]>((resolve, reject) => {
      const seen: string[] = [];
      const req = httpRequest(`${url}${path}`, { method: ep.method ?? 'POST', headers: { authorization, 'content-type': 'application/json' } }, (res) => {
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toBe('text/event-stream');
        res.on('data', (c: Buffer) => {
          seen.push(c.toString());
          // Only now may the backend finish: if the gateway buffered, this never happens and the test times out.
          if (seen.length === 1) releaseStream();
        });
        res.on('end', () => resolve(seen));
      });
      req.on('error', reject);
      req.end('{"model":"x","stream":true}');
    });
    expect(events.join('')).toBe('data: {"delta":"first"}\n\ndata: [DONE]\n\n');
    expect(events[0]).toBe('data: {"delta":"first"}\n\n');
  });
});

/**
 * Issue 14: served as it is, under the default (hanzo) profile, the production config is as safe as under
 * the Go gateway. Client-sent identity headers — any case, repeated — never reach a backend on any of the
 * 193 endpoints, with a valid IAM token or without one; a verified token's identity is what arrives.
 */
const FORGED: Array<[string, string]> = [
  ['X-User-Id', 'forged-admin'],
  ['x-user-id', 'forged-root'],
  ['X-ORG-ID', 'forged-victim-org'],
  ['X-Org-Id', 'forged-victim-org-2'],
  ['X-Roles', 'forged-admin-role'],
  ['X-User-Email', 'forged@evil.example'],
  ['X-IAM-Tenant', 'forged-iam'],
  ['x-iam-user', 'forged-iam-2'],
  ['X-Hanzo-Test', 'forged-hanzo'],
  ['X-HANZO-ACT-AS', 'forged-hanzo-2'],
  ['X-User-Permissions', 'forged-9999'],
  ['X-Project-Id', 'forged-project'],
];

/** Raw request lines with repeated names (Node's headers object cannot repeat one). */
function forgedLines(extra: Record<string, string>): string[] {
  return [...FORGED.flat(), ...Object.entries(extra).flat()];
}

describe('identity under the default profile, on every production endpoint', () => {
  // Each sweep from its own client addresses: the config allows a client 100 requests a minute on an endpoint.
  async function sweep(withToken: boolean, net: string): Promise<{ failures: string[]; reached: number }> {
    const failures: string[] = [];
    let reached = 0;
    let i = 0;
    const work = endpoints.map((ep) => async () => {
      const n = i++;
      const method = ep.method ?? 'GET';
      const { path, backendPath } = concrete(ep);
      if (backendPath === STREAM_PATH) return;
      const body = ['POST', 'PUT', 'PATCH'].includes(method) ? '{}' : undefined;
      const extra: Record<string, string> = { 'x-forwarded-for': `${net}.${n % 250}`, ...(withToken ? { authorization } : {}), ...(body ? { 'content-type': 'application/json' } : {}) };
      const res = await request(`${url}${path}`, { method, agent, headers: forgedLines(extra), body });
      const echoed = safeJson(res.body) as { headers?: string[] } | undefined;
      if (!echoed?.headers) {
        // Not at the backend: only an auth/validator endpoint may refuse, and only without a token.
        if (withToken || res.status !== 401) failures.push(`${method} ${ep.endpoint}: ${res.status} ${res.body.slice(0, 100)}`);
        return;
      }
      reached++;
      for (let h = 0; h < echoed.headers.length; h += 2) {
        if (/^forged/.test(echoed.headers[h + 1]!)) failures.push(`${method} ${ep.endpoint}: backend got ${echoed.headers[h]}: ${echoed.headers[h + 1]}`);
      }
    });
    for (let k = 0; k < work.length; k += 16) await Promise.all(work.slice(k, k + 16).map((w) => w()));
    return { failures, reached };
  }

  it('forged identity headers never reach a backend, with a valid IAM token (all 192 non-streaming endpoints reached)', async () => {
    const { failures, reached } = await sweep(true, '198.51.100');
    expect(failures).toEqual([]);
    expect(reached).toBe(192);
  });

  it('forged identity headers never reach a backend without a token (the 36 endpoints without auth/validator reached, the rest refused)', async () => {
    const { failures, reached } = await sweep(false, '192.0.2');
    expect(failures).toEqual([]);
    expect(reached).toBe(endpoints.filter((e) => e.backend[0]!.url_pattern !== STREAM_PATH && !(e as { extra_config?: Record<string, unknown> }).extra_config?.['auth/validator']).length);
  });

  it('mints X-User-Id / X-Org-Id from a verified IAM token on POST /v1/add-provider (no auth/validator), and nothing from a forged header', async () => {
    const res = await request(`${url}/v1/add-provider`, { method: 'POST', agent, headers: forgedLines({ authorization, 'content-type': 'application/json', 'x-forwarded-for': '100.64.0.1' }), body: '{}' });
    const echoed = safeJson(res.body) as { headers: string[]; path: string };
    expect(echoed.path).toBe('/v1/add-provider');
    expect(headerLines(echoed.headers, 'x-user-id')).toEqual(['user-1']);
    expect(headerLines(echoed.headers, 'x-org-id')).toEqual(['org-1']);
    expect(headerLines(echoed.headers, 'x-roles')).toEqual([]);
    // Without a token the same request reaches cloud-api with no identity at all.
    const anonymous = await request(`${url}/v1/add-provider`, { method: 'POST', agent, headers: forgedLines({ 'content-type': 'application/json', 'x-forwarded-for': '100.64.0.2' }), body: '{}' });
    const bare = safeJson(anonymous.body) as { headers: string[] };
    expect(headerLines(bare.headers, 'x-user-id')).toEqual([]);
    expect(headerLines(bare.headers, 'x-org-id')).toEqual([]);
  });

  it('stamps the Go engine\'s production headers and serves /healthz instead of /__health', async () => {
    const res = await request(`${url}/v1/models`, { agent, headers: { authorization, host: 'api.hanzo.ai' } });
    expect(res.headers.server).toBe('hanzo');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toBe('max-age=63072000; includeSubDomains');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect((await request(`${url}/healthz`, { agent })).body).toBe('{"status":"ok"}');
    expect((await request(`${url}/__health`, { agent })).status).toBe(404);
  });
});

describe('the production routes.yaml, built in and served', () => {
  it('sends every routed host and prefix to its backend, and redirects every redirected host', async () => {
    const failures: string[] = [];
    for (const [host, entries] of Object.entries(routesFile.routes)) {
      for (const e of entries) {
        const path = `${e.prefix}${e.prefix.endsWith('/') ? '' : '/'}probe`;
        const res = await request(`${url}${path}?q=1`, { agent, headers: { host } });
        const seen = (safeJson(res.body) as { path?: string } | undefined)?.path;
        const want = `${e.rewrite === undefined ? path : e.rewrite + path.slice(e.prefix.length)}?q=1`;
        if (seen !== want || headerLines(res.rawHeaders, 'x-catch-all')[0] !== 'yes') failures.push(`${host}${path}: ${res.status} ${res.body.slice(0, 80)}`);
      }
    }
    for (const [host, target] of Object.entries(routesFile.redirects)) {
      const res = await request(`${url}/some/page?x=1`, { agent, headers: { host } });
      if (res.status !== 301 || res.headers.location !== `${target}/some/page`) failures.push(`redirect ${host}: ${res.status} ${res.headers.location}`);
    }
    for (const pattern of Object.keys(routesFile.subdomains)) {
      const res = await request(`${url}/ext/bc/C/rpc`, { agent, method: 'POST', body: '{"id":1}', headers: { host: `api.${pattern}.example` } });
      if ((safeJson(res.body) as { body?: string } | undefined)?.body !== '{"id":1}') failures.push(`subdomain ${pattern}: ${res.status} ${res.body.slice(0, 80)}`);
    }
    expect(failures).toEqual([]);
    // The whole production table was exercised: 35 hosts, 22 redirects, 2 subdomain patterns.
    expect([Object.keys(routesFile.routes).length, Object.keys(routesFile.redirects).length, Object.keys(routesFile.subdomains).length]).toEqual([35, 22, 2]);
  });
});

/** The catch-all backend answers some paths 404 and some 503, so status relaying is checked too. */
function statusFor(path: string): number {
  let h = 0;
  for (const ch of path.split('?')[0]!) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return h % 7 === 0 ? 404 : h % 11 === 0 ? 503 : 200;
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}
