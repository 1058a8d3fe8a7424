import { afterEach, describe, expect, it } from 'vitest';
import { connect, type Socket } from 'node:net';
import { startIngressRuntime } from '../helpers/gateway.js';
import { headerLines, request, startServer, type EchoedRequest, type TestServer } from '../helpers/servers.js';
import { aliceClaims, ALICE_IDENTITY, identityLines, makeSigningKey, signToken, startJwksServer } from './auth/iam/iam-test-kit.js';

/**
 * The Go ingress (`cmd/ingress`, hanzo-core §6) as an hgw bundle's whole
 * request handling, against real backends on 127.0.0.1: health on every
 * host, the host table with longest-prefix backends, the client's Host kept
 * with X-Forwarded-Host and X-Real-IP, Go's 404 / 502 texts, ServeMux's
 * clean-path 301, the IAM gate (Bearer or Basic password, real JWKS and
 * signed tokens), and WebSocket upgrades.
 */
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function named(name: string): Promise<TestServer> {
  const s = await startServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const echoed: EchoedRequest = { method: req.method ?? '', url: req.url ?? '', rawHeaders: req.rawHeaders, body: Buffer.concat(chunks).toString('utf8') };
      res.writeHead(200, { 'Content-Type': 'application/json', 'X-Backend': name, 'Access-Control-Allow-Origin': '*' });
      res.end(JSON.stringify(echoed));
    });
  });
  cleanups.push(() => s.close());
  return s;
}

async function ingress(config: unknown, env: Record<string, string> = {}) {
  const g = await startIngressRuntime(config, { env });
  cleanups.push(() => g.close());
  return g;
}

const seen = (body: string) => JSON.parse(body) as EchoedRequest;

describe('ingress', () => {
  it('routes by exact host and longest path prefix, keeping the client\'s Host (the Go routing test)', async () => {
    const cloud = await named('cloud');
    const site = await named('site');
    const skills = (host: string) => ({
      host,
      backends: [
        { path: '/', url: site.url },
        { path: '/.well-known/agent-skills', url: cloud.url },
      ],
    });
    const gw = await ingress({ routes: [skills('console.hanzo.ai'), skills('cloud.lux.network')] });
    for (const [host, path, backend] of [
      ['console.hanzo.ai', '/.well-known/agent-skills/index.json', 'cloud'],
      ['console.hanzo.ai', '/.well-known/agent-skills/ai_models/SKILL.md', 'cloud'],
      ['console.hanzo.ai', '/', 'site'],
      ['console.hanzo.ai', '/dashboard', 'site'],
      ['console.hanzo.ai', '/.well-known/openid-configuration', 'site'],
      ['cloud.lux.network', '/.well-known/agent-skills/index.json', 'cloud'],
    ] as const) {
      const res = await request(`${gw.url}${path}?v=1`, { headers: { host: `${host}:443` } });
      expect(res.headers['x-backend'], `${host}${path}`).toBe(backend);
      const req = seen(res.body);
      expect(req.url).toBe(`${path}?v=1`);
      // The white-label key: backends see the Host the client asked for.
      expect(headerLines(req.rawHeaders, 'host'), `${host}${path}`).toEqual([`${host}:443`]);
      expect(headerLines(req.rawHeaders, 'x-forwarded-host')).toEqual([`${host}:443`]);
    }
  });

  it('sets X-Real-IP from X-Forwarded-For, passes that header once, unchanged, and strips forged identity', async () => {
    const site = await named('site');
    const gw = await ingress({ routes: [{ host: 'app.example', backends: [{ path: '/', url: site.url }] }] });
    const res = await request(`${gw.url}/x`, {
      headers: { host: 'app.example', 'x-forwarded-for': ' 198.51.100.7 , 10.0.0.1', 'x-real-ip': '192.0.2.1', 'x-user-id': 'root', 'x-iam-admin': 'yes', connection: 'keep-alive, X-Hop', 'x-hop': 'gone' },
    });
    const req = seen(res.body);
    expect(headerLines(req.rawHeaders, 'x-real-ip')).toEqual(['198.51.100.7']);
    expect(headerLines(req.rawHeaders, 'x-forwarded-for')).toEqual(['198.51.100.7 , 10.0.0.1']);
    expect(headerLines(req.rawHeaders, 'x-forwarded-proto')).toEqual([]);
    expect(headerLines(req.rawHeaders, 'x-user-id')).toEqual([]);
    expect(headerLines(req.rawHeaders, 'x-iam-admin')).toEqual([]);
    expect(headerLines(req.rawHeaders, 'x-hop')).toEqual([]);
    // The ingress relays the backend as it is: its CORS header stays, no brand is added.
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['x-powered-by']).toBeUndefined();
    const bare = seen((await request(`${gw.url}/x`, { headers: { host: 'app.example' } })).body);
    expect(headerLines(bare.rawHeaders, 'x-real-ip')).toEqual(['127.0.0.1']);
  });

  it('answers health on every host and method, 404 for unknown hosts and paths, 301 to a clean path', async () => {
    const site = await named('site');
    const gw = await ingress({ health_path: '/healthz', routes: [{ host: 'app.example', backends: [{ path: '/api/', url: site.url }] }] });
    for (const host of ['app.example', 'nobody.example']) {
      const health = await request(`${gw.url}/healthz`, { method: 'POST', body: 'x', headers: { host } });
      expect(health.status).toBe(200);
      expect(health.headers['content-type']).toBe('application/json');
      expect(health.body).toBe('{"status":"ok"}');
    }
    for (const [host, path] of [['nobody.example', '/api/x'], ['APP.EXAMPLE', '/api/x'], ['app.example', '/other']]) {
      const miss = await request(`${gw.url}${path}`, { headers: { host: host! } });
      expect(miss.status, `${host}${path}`).toBe(404);
      expect(miss.body).toBe('404 Not Found\n');
      expect(miss.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(miss.headers['x-content-type-options']).toBe('nosniff');
    }
    const dirty = await request(`${gw.url}/api//a/../b?q=1`, { headers: { host: 'app.example' } });
    expect(dirty.status).toBe(301);
    expect(dirty.headers.location).toBe('/api/b?q=1');
  });

  it('serves the last entry of a host listed twice, as Go\'s map does', async () => {
    const first = await named('first');
    const last = await named('last');
    const gw = await ingress({ routes: [{ host: 's3.example', backends: [{ path: '/', url: first.url }] }, { host: 's3.example', backends: [{ path: '/', url: last.url }] }] });
    expect((await request(`${gw.url}/bucket`, { headers: { host: 's3.example' } })).headers['x-backend']).toBe('last');
  });

  it('answers 502 Bad Gateway for a backend it cannot reach', async () => {
    const dead = await startServer(() => {});
    const url = dead.url;
    await dead.close();
    const gw = await ingress({ routes: [{ host: 'app.example', backends: [{ path: '/', url }] }] });
    const res = await request(`${gw.url}/x`, { headers: { host: 'app.example' } });
    expect(res.status).toBe(502);
    expect(res.body).toBe('502 Bad Gateway\n');
  });

  it('tunnels a WebSocket upgrade with the client\'s Host', async () => {
    const ws = await startServer((_req, res) => res.end());
    const upgrades: string[] = [];
    ws.server!.on('upgrade', (req, socket: Socket) => {
      upgrades.push(String(req.headers.host));
      socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
      socket.pipe(socket);
    });
    cleanups.push(() => ws.close());
    const gw = await ingress({ routes: [{ host: 'chat.example', backends: [{ path: '/', url: ws.url }] }] });
    const client = connect(gw.port, '127.0.0.1');
    let data = '';
    client.setEncoding('latin1');
    client.on('data', (c: string) => (data += c));
    client.write('GET /socket HTTP/1.1\r\nHost: chat.example\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n');
    const deadline = Date.now() + 5000;
    while (!data.includes('\r\n\r\n') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(data).toMatch(/^HTTP\/1\.1 101 /);
    client.write('ping');
    while (!data.endsWith('ping') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(data.endsWith('\r\n\r\nping')).toBe(true);
    expect(upgrades).toEqual(['chat.example']);
    client.destroy();
  });
});

describe('ingress IAM gate (auth: true)', () => {
  it('refuses without a valid token (401, Basic realm), and admits a Bearer token or a Basic password with the identity minted', async () => {
    const key = await makeSigningKey('RS256', 'k1');
    const stranger = await makeSigningKey('RS256', 'k1');
    const jwks = await startJwksServer([key.jwk]);
    cleanups.push(() => jwks.stop());
    const goproxy = await named('goproxy');
    const gw = await ingress(
      { routes: [{ host: 'goproxy.example', auth: true, backends: [{ path: '/', url: goproxy.url }] }] },
      { AUTH_JWKS_URL: jwks.url, AUTH_ISSUER: 'https://hanzo.id' },
    );
    const refusedWith = async (headers: Record<string, string>) => {
      const res = await request(`${gw.url}/mod/@v/list`, { headers: { host: 'goproxy.example', ...headers } });
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Basic realm="goproxy.example"');
      expect(res.headers['content-type']).toBe('application/json');
      expect(JSON.parse(res.body)).toEqual({ error: 'unauthorized', message: 'valid Hanzo IAM token required' });
    };
    await refusedWith({});
    await refusedWith({ authorization: 'Bearer not-a-jwt', 'x-user-id': 'root' });
    await refusedWith({ authorization: `Bearer ${await signToken(stranger, aliceClaims())}` });
    // Expired beyond the verifier's two minutes of clock leeway.
    await refusedWith({ authorization: `Bearer ${await signToken(key, aliceClaims({ exp: Math.floor(Date.now() / 1000) - 600 }))}` });

    const token = await signToken(key, aliceClaims());
    for (const authorization of [`Bearer ${token}`, `Basic ${Buffer.from(`go:${token}`).toString('base64')}`]) {
      const res = await request(`${gw.url}/mod/@v/list`, { headers: { host: 'goproxy.example', authorization, 'x-user-id': 'root' } });
      expect(res.status, authorization.slice(0, 6)).toBe(200);
      const req = seen(res.body);
      expect(identityLines(req.rawHeaders), authorization.slice(0, 6)).toEqual(ALICE_IDENTITY);
      // The credential stops at the ingress.
      expect(headerLines(req.rawHeaders, 'authorization')).toEqual([]);
    }
  });
});
