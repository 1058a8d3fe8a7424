import { afterEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { base } from '../helpers/check.js';
import { startRuntime } from '../helpers/gateway.js';
import { headerLines, request, startServer, type EchoedRequest, type TestServer } from '../helpers/servers.js';
import { aliceClaims, ALICE_IDENTITY, identityLines, makeSigningKey, signToken, startJwksServer } from './auth/iam/iam-test-kit.js';

/**
 * routes.yaml host routing in a running gateway, against real backends on
 * 127.0.0.1: redirects, exact host routes with rewrite and joined paths and
 * queries, subdomain patterns, precedence over KrakenD endpoints, Go
 * ReverseProxy's header handling, streaming both ways, dead backends and
 * WebSocket upgrades tunnelled byte for byte.
 */
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function backend(handler: Parameters<typeof startServer>[0]): Promise<TestServer> {
  const s = await startServer(handler);
  cleanups.push(() => s.close());
  return s;
}

async function gateway(routesYaml: string, config: Record<string, unknown> = base([]), env: Record<string, string> = {}) {
  const g = await startRuntime(config, { routesYaml, env });
  cleanups.push(() => g.close());
  return g;
}

/** A backend that answers with its own name, the request line and the headers it saw. */
function named(name: string) {
  return backend((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const echoed: EchoedRequest = { method: req.method ?? '', url: req.url ?? '', rawHeaders: req.rawHeaders, body: Buffer.concat(chunks).toString('utf8') };
      res.writeHead(200, { 'Content-Type': 'application/json', 'X-Backend': name });
      res.end(JSON.stringify(echoed));
    });
  });
}

const at = (host: string, extra: Record<string, string> = {}) => ({ headers: { host, ...extra } });

describe('routes.yaml host routing', () => {
  it('redirects a host with 301 to the target plus the path, dropping the query', async () => {
    const gw = await gateway('redirects:\n  old.example.com: https://example.com/base\n');
    const get = await request(`${gw.url}/a/b%20c?x=1`, at('old.example.com'));
    expect(get.status).toBe(301);
    expect(get.headers.location).toBe('https://example.com/base/a/b%20c');
    expect(get.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(get.body).toBe('<a href="https://example.com/base/a/b%20c">Moved Permanently</a>.\n\n');
    const post = await request(`${gw.url}/form`, { method: 'POST', body: 'x', headers: { host: 'old.example.com' } });
    expect(post.status).toBe(301);
    expect(post.body).toBe('');
    expect(post.headers['content-type']).toBeUndefined();
  });

  it('sends an exact host to the longest matching prefix, joining paths and queries and applying rewrite', async () => {
    const api = await named('api');
    const site = await named('site');
    const gw = await gateway(`
routes:
  example.com:
    - prefix: /
      backend: ${site.url}
    - prefix: /api
      backend: ${api.url}/base?k=v
    - prefix: /old/
      backend: ${api.url}
      rewrite: /new/
`);
    const cases: Array<[string, string, string]> = [
      ['/api/users?x=1', 'api', '/base/api/users?k=v&x=1'],
      // A raw string prefix, not segment-bounded (as in Go): /apix is /api's.
      ['/apix', 'api', '/base/apix?k=v'],
      ['/old/things?q=2', 'api', '/new/things?q=2'],
      ['/', 'site', '/'],
      ['/about%2Fus', 'site', '/about%2Fus'],
    ];
    for (const [path, name, seen] of cases) {
      const res = await request(`${gw.url}${path}`, at('example.com:8443'));
      expect(res.status, path).toBe(200);
      expect(res.headers['x-backend'], path).toBe(name);
      expect((JSON.parse(res.body) as EchoedRequest).url, path).toBe(seen);
    }
  });

  it('compares the host case-sensitively and leaves other hosts to the KrakenD endpoints', async () => {
    const site = await named('site');
    const krakend = await named('krakend');
    const config = base([{ endpoint: '/hello', output_encoding: 'no-op', backend: [{ url_pattern: '/hi', host: [krakend.url] }] }]);
    const gw = await gateway(`routes:\n  example.com:\n    - prefix: /\n      backend: ${site.url}\n`, config);
    // The table wins over a KrakenD endpoint for a host it names.
    expect((await request(`${gw.url}/hello`, at('example.com'))).headers['x-backend']).toBe('site');
    expect((await request(`${gw.url}/hello`, at('EXAMPLE.COM'))).headers['x-backend']).toBe('krakend');
    expect((await request(`${gw.url}/hello`, at('other.test'))).headers['x-backend']).toBe('krakend');
    const miss = await request(`${gw.url}/nothing`, at('other.test'));
    expect(miss.status).toBe(404);
    expect(miss.body).toBe('404 page not found');
  });

  it('matches subdomain patterns as substrings of the host, longest pattern first', async () => {
    const tenants = await named('tenants');
    const eu = await named('eu');
    const gw = await gateway(`
subdomains:
  .tenant.example.com: ${tenants.url}
  .eu.tenant.example.com: ${eu.url}
`);
    expect((await request(`${gw.url}/x`, at('acme.tenant.example.com'))).headers['x-backend']).toBe('tenants');
    expect((await request(`${gw.url}/x`, at('acme.eu.tenant.example.com'))).headers['x-backend']).toBe('eu');
    expect((await request(`${gw.url}/x`, at('tenant.example.com'))).status).toBe(404);
  });

  it('forwards headers as Go\'s ReverseProxy does: hop-by-hop out, X-Forwarded-For appended, Host the backend\'s', async () => {
    const api = await named('api');
    const gw = await gateway(`routes:\n  example.com:\n    - prefix: /\n      backend: ${api.url}\n`);
    const res = await request(`${gw.url}/h`, {
      headers: {
        host: 'example.com',
        connection: 'keep-alive, X-Secret-Hop',
        'x-secret-hop': 'gone',
        'keep-alive': 'timeout=5',
        'proxy-authorization': 'Basic Zm9vOmJhcg==',
        te: 'trailers, deflate',
        'x-forwarded-for': '203.0.113.9',
        'x-custom': 'kept',
        authorization: 'Bearer abc',
      },
    });
    const seen = JSON.parse(res.body) as EchoedRequest;
    const names = seen.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
    for (const hop of ['x-secret-hop', 'keep-alive', 'proxy-authorization', 'upgrade']) expect(names, hop).not.toContain(hop);
    expect(headerLines(seen.rawHeaders, 'te')).toEqual(['trailers']);
    expect(headerLines(seen.rawHeaders, 'x-forwarded-for')).toEqual(['203.0.113.9, 127.0.0.1']);
    expect(headerLines(seen.rawHeaders, 'host')).toEqual([`127.0.0.1:${api.port}`]);
    expect(headerLines(seen.rawHeaders, 'x-custom')).toEqual(['kept']);
    expect(headerLines(seen.rawHeaders, 'authorization')).toEqual(['Bearer abc']);
    expect(names).not.toContain('user-agent');
  });

  it('relays the backend\'s status and headers, minus its CORS headers, with the gateway\'s brand', async () => {
    const be = await backend((_req, res) => {
      res.writeHead(418, [
        'Content-Type', 'text/plain',
        'Access-Control-Allow-Origin', '*',
        'Access-Control-Allow-Credentials', 'true',
        'Access-Control-Expose-Headers', 'X-Total',
        'X-Powered-By', 'Express',
        'Set-Cookie', 'a=1',
        'Set-Cookie', 'b=2',
        'Content-Length', '6',
      ]);
      res.end('teapot');
    });
    const gw = await gateway(`routes:\n  example.com:\n    - prefix: /\n      backend: ${be.url}\n`);
    const res = await request(`${gw.url}/`, at('example.com'));
    expect(res.status).toBe(418);
    expect(res.body).toBe('teapot');
    expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    expect(headerLines(res.rawHeaders, 'set-cookie')).toEqual(['a=1', 'b=2']);
    expect(headerLines(res.rawHeaders, 'x-powered-by')).toEqual(['hanzoai/gateway Version 2.13.8']);
  });

  it('streams a large upload and a large download intact', async () => {
    const be = await backend((req, res) => {
      const hash = createHash('sha256');
      let size = 0;
      req.on('data', (c: Buffer) => {
        hash.update(c);
        size += c.length;
      });
      req.on('end', () => {
        res.writeHead(200, { 'X-Upload': `${size}:${hash.digest('hex')}` });
        // 4 MiB down in 64 KiB writes, chunked.
        const block = Buffer.alloc(65_536, 'z');
        for (let i = 0; i < 64; i++) res.write(block);
        res.end();
      });
    });
    const gw = await gateway(`routes:\n  example.com:\n    - prefix: /\n      backend: ${be.url}\n`);
    const upload = Buffer.alloc(3 * 1024 * 1024 + 17, 'u');
    const res = await request(`${gw.url}/up`, { method: 'PUT', body: upload, headers: { host: 'example.com' } });
    expect(res.headers['x-upload']).toBe(`${upload.length}:${createHash('sha256').update(upload).digest('hex')}`);
    expect(res.body.length).toBe(64 * 65_536);
    expect(/^z+$/.test(res.body)).toBe(true);
  });

  it('delivers server-sent events as they are written', async () => {
    let finish: () => void = () => {};
    const be = await backend((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write('data: first\n\n');
      finish = () => res.end('data: last\n\n');
    });
    const gw = await gateway(`routes:\n  example.com:\n    - prefix: /\n      backend: ${be.url}\n`);
    const firstEvent = await new Promise<{ chunk: string; rest: Promise<string> }>((resolve, reject) => {
      const req = httpRequest(`${gw.url}/events`, { headers: { host: 'example.com' }, agent: false }, (res) => {
        res.setEncoding('utf8');
        res.once('data', (chunk: string) => {
          let rest = '';
          res.on('data', (c: string) => (rest += c));
          resolve({ chunk, rest: new Promise((r) => res.on('end', () => r(rest))) });
        });
      });
      req.on('error', reject);
      req.end();
    });
    expect(firstEvent.chunk).toBe('data: first\n\n');
    finish();
    expect(await firstEvent.rest).toBe('data: last\n\n');
  });

  it('answers 502 with an empty body for a backend it cannot reach, and logs Go\'s line', async () => {
    const dead = await backend(() => {});
    const url = dead.url;
    await cleanups.pop()!();
    const gw = await gateway(`routes:\n  example.com:\n    - prefix: /\n      backend: ${url}\n`);
    const res = await request(`${gw.url}/x`, at('example.com'));
    expect(res.status).toBe(502);
    expect(res.body).toBe('');
    expect(gw.logs.some((l) => l.includes('http: proxy error: GET') && l.includes(`${url}/x`))).toBe(true);
    // The gateway keeps serving.
    expect((await request(`${gw.url}/__health`)).status).toBe(200);
  });

  it('cuts the backend request when the client goes away', async () => {
    let backendClosed: () => void = () => {};
    const closed = new Promise<void>((r) => (backendClosed = r));
    const be = await backend((req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.write('partial');
      req.socket.on('close', () => backendClosed());
    });
    const gw = await gateway(`routes:\n  example.com:\n    - prefix: /\n      backend: ${be.url}\n`);
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest(`${gw.url}/long`, { headers: { host: 'example.com' }, agent: false }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => {});
      req.end();
      setTimeout(() => reject(new Error('no first bytes')), 5000).unref();
    });
    await closed;
  });

  it('sends the backend hosts through the host map', async () => {
    const api = await named('api');
    const config = base([]);
    const g = await startRuntime(config, { routesYaml: 'routes:\n  example.com:\n    - prefix: /\n      backend: http://api.internal:8080\n', hostMap: { 'http://api.internal:8080': api.url } });
    cleanups.push(() => g.close());
    expect((await request(`${g.url}/x`, at('example.com'))).headers['x-backend']).toBe('api');
  });

  it('leaves a bad escape to the router\'s 400', async () => {
    const site = await named('site');
    const gw = await gateway(`routes:\n  example.com:\n    - prefix: /\n      backend: ${site.url}\n`);
    expect((await request(`${gw.url}/bad%zz`, at('example.com'))).status).toBe(400);
  });

  it('takes its table from GATEWAY_ROUTES_FILE when set, reloads it on SIGHUP, and keeps the table in use when the file is bad', async () => {
    const built = await named('built');
    const fromFile = await named('file');
    const later = await named('later');
    const dir = mkdtempSync(join(tmpdir(), 'hgw-routes-file-'));
    const file = join(dir, 'routes.yaml');
    writeFileSync(file, `routes:\n  example.com:\n    - prefix: /\n      backend: ${fromFile.url}\n`);
    const gw = await gateway(`routes:\n  example.com:\n    - prefix: /\n      backend: ${built.url}\n`, base([]), { GATEWAY_ROUTES_FILE: file });
    expect((await request(`${gw.url}/x`, at('example.com'))).headers['x-backend']).toBe('file');
    writeFileSync(file, `routes:\n  example.com:\n    - prefix: /\n      backend: ${later.url}\n`);
    process.emit('SIGHUP', 'SIGHUP');
    expect((await request(`${gw.url}/x`, at('example.com'))).headers['x-backend']).toBe('later');
    writeFileSync(file, 'routes: [not: a: table');
    process.emit('SIGHUP', 'SIGHUP');
    expect((await request(`${gw.url}/x`, at('example.com'))).headers['x-backend']).toBe('later');
    expect(gw.logs.some((l) => l.includes('did not load') && l.includes('the table in use stays'))).toBe(true);
    const missing = await gateway(`routes:\n  example.com:\n    - prefix: /\n      backend: ${built.url}\n`, base([]), { GATEWAY_ROUTES_FILE: join(dir, 'nope.yaml') });
    expect((await request(`${missing.url}/x`, at('example.com'))).headers['x-backend']).toBe('built');
  });

  it('takes its table from KMS (GATEWAY_ROUTES_KMS_PATH): login, then the secret; failures keep the table in use with Go\'s texts', async () => {
    const built = await named('built');
    const fromKms = await named('kms');
    const calls: string[] = [];
    let secret: { status: number; body: string } = { status: 200, body: JSON.stringify({ secret: { value: `routes:\n  example.com:\n    - prefix: /\n      backend: ${fromKms.url}\n` } }) };
    const kms = await backend((req, res) => {
      calls.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.url === '/v1/kms/auth/login') {
          const creds = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { clientId: string; clientSecret: string };
          const ok = creds.clientId === 'gw' && creds.clientSecret === 's3cret';
          res.writeHead(ok ? 200 : 401, { 'Content-Type': 'application/json' }).end(ok ? '{"accessToken":"tok-1"}' : '{"error":"bad credentials"}');
          return;
        }
        res.writeHead(secret.status, { 'Content-Type': 'application/json' }).end(secret.body);
      });
    });
    const table = `routes:\n  example.com:\n    - prefix: /\n      backend: ${built.url}\n`;
    const env = { GATEWAY_ROUTES_KMS_PATH: 'gateway/my routes', GATEWAY_KMS_ENDPOINT: kms.url, IAM_CLIENT_ID: 'gw', GATEWAY_KMS_CLIENT_SECRET: 's3cret', GATEWAY_KMS_ENV: 'prod' };
    const gw = await gateway(table, base([]), env);
    await until(() => gw.logs.some((l) => l.includes('loaded KMS gateway/my routes')), 'the KMS table');
    expect((await request(`${gw.url}/x`, at('example.com'))).headers['x-backend']).toBe('kms');
    expect(calls).toEqual(['POST /v1/kms/auth/login ', 'GET /v1/kms/secrets/gateway/my%20routes?env=prod Bearer tok-1']);

    secret = { status: 500, body: 'boom' };
    process.emit('SIGHUP', 'SIGHUP');
    await until(() => gw.logs.some((l) => l.includes('failed to fetch routes from KMS path gateway/my routes: kms: GET gateway/my routes returned 500: boom')), 'the KMS error');
    expect((await request(`${gw.url}/x`, at('example.com'))).headers['x-backend']).toBe('kms');

    secret = { status: 200, body: JSON.stringify({ secret: { value: 'routes: [broken: yaml' } }) };
    process.emit('SIGHUP', 'SIGHUP');
    await until(() => gw.logs.some((l) => l.includes('kms routes payload invalid')), 'the payload error');

    // A bare name fails before any call; missing credentials leave no resolver.
    const before = calls.length;
    const bare = await gateway(table, base([]), { ...env, GATEWAY_ROUTES_KMS_PATH: 'routes' });
    await until(() => bare.logs.some((l) => l.includes('kms: path "routes" needs a path and a name (e.g. "gateway/routes")')), 'the bare-name error');
    const nocreds = await gateway(table, base([]), { GATEWAY_ROUTES_KMS_PATH: 'gateway/routes', GATEWAY_KMS_ENDPOINT: kms.url });
    await until(() => nocreds.logs.some((l) => l.includes('no resolver configured')), 'the missing-resolver error');
    expect(calls.length).toBe(before);
    expect((await request(`${nocreds.url}/x`, at('example.com'))).headers['x-backend']).toBe('built');
  });

  it('sends the cloud-API hosts to GATEWAY_CLOUD_API_URL when the Hanzo edge chain is on, and not otherwise', async () => {
    const cloud = await named('cloud');
    const edge = { 'github.com/hanzoai/gateway/edge': { iam: false, widget_gate: false, cors: false } };
    const on = await gateway('redirects:\n  api.cloud.hanzo.ai: https://api.hanzo.ai\n', base([], { extra_config: edge }), { GATEWAY_CLOUD_API_URL: cloud.url });
    const res = await request(`${on.url}/v1/chat/completions?stream=1`, at('api.hanzo.ai'));
    expect(res.headers['x-backend']).toBe('cloud');
    expect((JSON.parse(res.body) as EchoedRequest).url).toBe('/v1/chat/completions?stream=1');
    // Redirects come first.
    expect((await request(`${on.url}/v1/models`, at('api.cloud.hanzo.ai'))).status).toBe(301);
    const off = await gateway('redirects: {}\n', base([]), { GATEWAY_CLOUD_API_URL: cloud.url });
    expect((await request(`${off.url}/v1/models`, at('api.hanzo.ai'))).status).toBe(404);
  });
});

/** A WebSocket backend: completes the RFC 6455 handshake, then echoes every byte back. */
async function websocketBackend(): Promise<TestServer & { upgrades: IncomingMessage[] }> {
  const upgrades: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    res.writeHead(426, { 'Content-Type': 'text/plain' });
    res.end('upgrade required');
  });
  const sockets = new Set<Socket>();
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    upgrades.push(req);
    sockets.add(socket);
    if (req.url === '/refuse') {
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nno');
      return;
    }
    const accept = createHash('sha1').update(`${req.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    if (head.length > 0) socket.write(head);
    socket.pipe(socket);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const s = {
    url: `http://127.0.0.1:${port}`,
    port,
    upgrades,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  cleanups.push(() => s.close());
  return s;
}

/** Sends an Upgrade request over a raw socket and collects what comes back. */
function upgradeOver(port: number, path: string, host: string, extra = ''): Promise<{ socket: Socket; head: () => string; received: () => string; ended: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    const ended = new Promise<void>((r) => socket.on('close', () => r()));
    socket.setEncoding('latin1');
    socket.on('data', (c: string) => {
      data += c;
    });
    socket.on('error', reject);
    socket.on('connect', () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n${extra}\r\n`,
      );
      resolve({
        socket,
        head: () => data.slice(0, data.indexOf('\r\n\r\n') + 4),
        received: () => data.slice(data.indexOf('\r\n\r\n') + 4),
        ended,
      });
    });
  });
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('routes.yaml host routing: WebSocket upgrades', () => {
  it('tunnels an upgrade to the backend and carries frames both ways', async () => {
    const ws = await websocketBackend();
    const gw = await gateway(`routes:\n  chat.example.com:\n    - prefix: /ws/\n      backend: ${ws.url}\n`);
    const c = await upgradeOver(gw.port, '/ws/room?id=7', 'chat.example.com', 'X-Forwarded-For: 198.51.100.1\r\n');
    await until(() => c.head() !== '', 'the 101');
    expect(c.head()).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
    expect(c.head()).toContain('Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
    // A masked text frame "hello" (RFC 6455 §5.7), echoed byte for byte by the backend.
    const frame = Buffer.from([0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]);
    c.socket.write(frame);
    await until(() => c.received().length >= frame.length, 'the echoed frame');
    expect(Buffer.from(c.received(), 'latin1').equals(frame)).toBe(true);
    const seen = ws.upgrades[0]!;
    expect(seen.url).toBe('/ws/room?id=7');
    expect(seen.headers.host).toBe(`127.0.0.1:${ws.port}`);
    expect(seen.headers['x-forwarded-for']).toBe('198.51.100.1, 127.0.0.1');
    expect(seen.headers.upgrade).toBe('websocket');
    c.socket.end();
    await c.ended;
  });

  it('relays a backend that declines the upgrade, and leaves hosts without a route to the router', async () => {
    const ws = await websocketBackend();
    const gw = await gateway(`routes:\n  chat.example.com:\n    - prefix: /\n      backend: ${ws.url}\n`);
    const refused = await upgradeOver(gw.port, '/refuse', 'chat.example.com');
    await refused.ended;
    expect(refused.head()).toMatch(/^HTTP\/1\.1 403 Forbidden\r\n/);
    expect(refused.received()).toBe('no');
    const elsewhere = await upgradeOver(gw.port, '/ws/', 'other.example.com');
    await elsewhere.ended;
    expect(elsewhere.head()).toMatch(/^HTTP\/1\.1 404 Not Found\r\n/);
    expect(elsewhere.head()).toContain('Connection: close');
  });

  it('answers an Upgrade pipelined behind another request once that answer is out', async () => {
    const ws = await websocketBackend();
    const gw = await gateway(`routes:\n  chat.example.com:\n    - prefix: /\n      backend: ${ws.url}\n`);
    const socket = connect(gw.port, '127.0.0.1');
    let data = '';
    socket.setEncoding('latin1');
    socket.on('data', (c: string) => (data += c));
    await new Promise<void>((r) => socket.on('connect', () => r()));
    socket.write(
      'GET /__health HTTP/1.1\r\nHost: other.example\r\n\r\n' +
        'GET /ws HTTP/1.1\r\nHost: chat.example.com\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
    await until(() => data.includes('101 Switching Protocols'), 'the 101 after the first answer');
    expect(data.indexOf('HTTP/1.1 200 OK')).toBe(0);
    socket.destroy();
    // The gateway is still serving.
    expect((await request(`${gw.url}/__health`)).status).toBe(200);
  });

  it('closes the client when a backend that declined the upgrade dies mid-body', async () => {
    const server = createServer();
    const sockets = new Set<Socket>();
    server.on('upgrade', (_req: IncomingMessage, socket: Socket) => {
      sockets.add(socket);
      socket.write('HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\nonly ten b');
      setTimeout(() => socket.destroy(), 50);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    }));
    const gw = await gateway(`routes:\n  chat.example.com:\n    - prefix: /\n      backend: http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
    const c = await upgradeOver(gw.port, '/ws', 'chat.example.com');
    const closed = await Promise.race([c.ended.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 3000))]);
    expect(closed).toBe(true);
    expect(c.head()).toMatch(/^HTTP\/1\.1 400 /);
  });

  it('lets a router gate refuse an upgrade before any tunnel opens (bot detector → 403, connection closed)', async () => {
    const ws = await websocketBackend();
    const config = base([], { extra_config: { 'security/bot-detector': { deny: ['evilbot'] } } });
    const gw = await gateway(`routes:\n  chat.example.com:\n    - prefix: /\n      backend: ${ws.url}\n`, config);
    const bot = await upgradeOver(gw.port, '/ws', 'chat.example.com', 'User-Agent: evilbot\r\n');
    await bot.ended;
    expect(bot.head()).toMatch(/^HTTP\/1\.1 403 Forbidden\r\n/);
    expect(ws.upgrades).toHaveLength(0);
    const human = await upgradeOver(gw.port, '/ws', 'chat.example.com', 'User-Agent: Mozilla/5.0\r\n');
    await until(() => human.head() !== '', 'the 101');
    expect(human.head()).toMatch(/^HTTP\/1\.1 101 /);
    human.socket.destroy();
  });

  it('answers 502 when the upgrade backend is down, and serves plain requests on the same gateway', async () => {
    const dead = await backend(() => {});
    const url = dead.url;
    await cleanups.pop()!();
    const site = await named('site');
    const gw = await gateway(`routes:\n  chat.example.com:\n    - prefix: /\n      backend: ${url}\n  example.com:\n    - prefix: /\n      backend: ${site.url}\n`);
    const c = await upgradeOver(gw.port, '/ws', 'chat.example.com');
    await c.ended;
    expect(c.head()).toMatch(/^HTTP\/1\.1 502 Bad Gateway\r\n/);
    expect((await request(`${gw.url}/`, at('example.com'))).headers['x-backend']).toBe('site');
  });
});

describe('routes.yaml host routing behind the Hanzo edge chain', () => {
  it('strips forged identity headers on host routes, plain and upgrade, and mints a verified identity', async () => {
    const key = await makeSigningKey('RS256', 'k1');
    const jwks = await startJwksServer([key.jwk]);
    cleanups.push(() => jwks.stop());
    const api = await named('api');
    const ws = await websocketBackend();
    const edge = { 'github.com/hanzoai/gateway/edge': { widget_gate: false } };
    const gw = await gateway(
      `routes:\n  app.example.com:\n    - prefix: /ws/\n      backend: ${ws.url}\n    - prefix: /\n      backend: ${api.url}\n`,
      base([], { extra_config: edge }),
      { AUTH_JWKS_URL: jwks.url, AUTH_ISSUER: 'https://hanzo.id' },
    );
    const forged = { 'X-User-Id': 'root', 'X-Org-Id': 'evil', 'X-Iam-Admin': 'true', 'X-User-Permissions': '18446744073709551615' };
    const identity = (raw: string[]) => raw.filter((_, i) => i % 2 === 0).filter((n) => /^x-(user|org|iam)/i.test(n));

    const anonymous = await request(`${gw.url}/data`, { headers: { host: 'app.example.com', ...forged } });
    expect(anonymous.status).toBe(200);
    expect(identity((JSON.parse(anonymous.body) as EchoedRequest).rawHeaders)).toEqual([]);

    const token = await signToken(key, aliceClaims());
    const signedIn = await request(`${gw.url}/data`, { headers: { host: 'app.example.com', authorization: `Bearer ${token}`, ...forged } });
    const seen = JSON.parse(signedIn.body) as EchoedRequest;
    expect(identityLines(seen.rawHeaders)).toEqual(ALICE_IDENTITY);

    const c = await upgradeOver(gw.port, '/ws/live', 'app.example.com', 'X-User-Id: root\r\nX-Org-Id: evil\r\n');
    await until(() => c.head() !== '', 'the 101');
    expect(c.head()).toMatch(/^HTTP\/1\.1 101 /);
    expect(ws.upgrades[0]!.headers['x-user-id']).toBeUndefined();
    expect(ws.upgrades[0]!.headers['x-org-id']).toBeUndefined();
    c.socket.destroy();
  });
});
