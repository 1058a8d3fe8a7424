import { afterEach, describe, expect, it } from 'vitest';
import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { base } from '../../helpers/check.js';
import { startRuntime } from '../../helpers/gateway.js';
import { echoHandler, request, startServer, type EchoedRequest, type TestServer } from '../../helpers/servers.js';
import { rawExchange, statusOf } from '../../security/hostile-kit.js';

/**
 * The raw-socket fast path (runtime/core/fast-path/): which requests it takes
 * and which it hands to node:http (counted by the gateway's own counters, not
 * guessed from timing), that its answers are node:http's byte for byte, and
 * the connection-level cases — pipelining across a hand-over, a head in
 * 1-byte pieces, a head over the limit, a slow reader, streaming, drain.
 */
const open: Array<{ close(): Promise<void> }> = [];
afterEach(() => Promise.all(open.splice(0).map((o) => o.close())));
const kept = <T extends { close(): Promise<void> }>(o: T): T => (open.push(o), o);
const backend = async (handler: Parameters<typeof startServer>[0]): Promise<TestServer> => kept(await startServer(handler));

function config(host: string, extra: Record<string, unknown> = {}) {
  return base(
    [
      { endpoint: '/v1/items/{id}', method: 'GET', output_encoding: 'no-op', input_query_strings: ['q'], input_headers: ['X-Org-Id'], backend: [{ url_pattern: '/items/{id}', host: [host] }] },
      { endpoint: '/v1/items/{id}', method: 'POST', output_encoding: 'no-op', input_headers: ['Content-Type', 'Content-Length'], backend: [{ url_pattern: '/items/{id}', host: [host] }] },
      { endpoint: '/v1/head/{id}', method: 'HEAD', output_encoding: 'no-op', backend: [{ url_pattern: '/items/{id}', host: [host] }] },
      { endpoint: '/v1/stream', method: 'GET', output_encoding: 'no-op', backend: [{ url_pattern: '/stream', host: [host] }] },
      // Not a no-op endpoint: routed by node:http.
      { endpoint: '/v1/merged', method: 'GET', backend: [{ url_pattern: '/json', host: [host] }] },
    ],
    extra,
  );
}

async function gateway(cfg: unknown, fast: '0' | '1' = '1', options: Parameters<typeof startRuntime>[1] = {}) {
  return kept(await startRuntime(cfg, { env: { HGW_FAST_PATH: fast }, ...options }));
}

function stats(g: Awaited<ReturnType<typeof gateway>>) {
  expect(g.fastPath).toBeDefined();
  return { ...g.fastPath! };
}

/** The raw answer with the Date line's value blanked (the only line that may differ between two runs). */
function normalised(raw: string): string {
  return raw.replace(/\r\nDate: [^\r]*\r\n/g, '\r\nDate: -\r\n');
}

/** Writes the pieces on one connection (each after the previous went out) and reads until `complete` says so, or the server closes. */
function exchange(port: number, pieces: Array<string | Buffer>, complete: (text: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, '127.0.0.1');
    let data = '';
    socket.setEncoding('latin1');
    const finish = () => {
      socket.destroy();
      resolve(data);
    };
    socket.on('data', (c: string) => {
      data += c;
      if (complete(data)) finish();
    });
    socket.on('close', finish);
    socket.on('error', (e) => (data === '' ? reject(e) : finish()));
    socket.on('connect', async () => {
      for (const piece of pieces) await new Promise<void>((r) => socket.write(piece, () => setImmediate(r)));
    });
  });
}

/** Reads `stream` at most `step` bytes every few milliseconds; resolves with the byte count at its end. */
function readSlowly(stream: import('node:stream').Readable, step: number): Promise<number> {
  return new Promise((resolve) => {
    let n = 0;
    stream.pause();
    const tick = setInterval(() => {
      let c: Buffer | null;
      while ((c = stream.read(step) as Buffer | null) !== null) n += c.length;
    }, 3);
    stream.on('readable', () => undefined);
    stream.on('end', () => {
      clearInterval(tick);
      resolve(n);
    });
  });
}


const backendDoc = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
  if (req.url === '/stream') {
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    // The stream stays open: the first event can only reach the client if it is relayed as it comes.
    res.write('data: first\n\n');
    return;
  }
  if (req.url === '/json') {
    res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"a":1}');
    return;
  }
  echoHandler(req, res);
};

describe('fast path: which requests take it', () => {
  it('takes no-op requests and hands the rest to node:http, counting both', async () => {
    const be = await backend(backendDoc);
    const gw = await gateway(config(be.url));
    const before = stats(gw);
    const res = await request(`${gw.url}/v1/items/7?q=1&z=2`, { headers: { 'x-org-id': 'o1', 'x-user-id': 'spoof' } });
    expect(res.status).toBe(200);
    const echoed = JSON.parse(res.body) as EchoedRequest;
    expect(echoed.url).toBe('/items/7?q=1');
    expect(echoed.rawHeaders).toContain('o1');
    expect(echoed.rawHeaders).not.toContain('spoof');
    const post = await request(`${gw.url}/v1/items/8`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    expect(JSON.parse(post.body).body).toBe('hello');
    expect(stats(gw).served - before.served).toBe(2);

    // Each of these goes to node:http: a probe, a miss, a non-no-op endpoint, HTTP/1.0, a chunked body, 100-continue, a bad head.
    const fallbacks: Array<[string, number]> = [
      ['GET /__health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 200],
      ['GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 404],
      ['GET /v1/merged HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 200],
      ['GET /v1/items/1 HTTP/1.0\r\nHost: x\r\n\r\n', 200],
      ['POST /v1/items/1 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\nhi\r\n0\r\n\r\n', 200],
      ['POST /v1/items/1 HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi', 100],
      ['GET /v1/items/1 HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n', 400],
      ['GET /v1/items/1 HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n', 400],
    ];
    const mid = stats(gw);
    for (const [text, status] of fallbacks) expect(statusOf(await rawExchange(gw.port, text)), text).toBe(status);
    const after = stats(gw);
    expect(after.served).toBe(mid.served);
    expect(after.handedOver - mid.handedOver).toBe(fallbacks.length);
  });

  it('is off with HGW_FAST_PATH=0: no counters, node:http serves', async () => {
    const be = await backend(backendDoc);
    const gw = await gateway(config(be.url), '0');
    expect(gw.fastPath).toBeUndefined();
    expect((await request(`${gw.url}/v1/items/1`)).status).toBe(200);
  });
});

describe('fast path: the same bytes as node:http', () => {
  it('answers GET, HEAD, POST, a streamed body, a backend error and a timeout exactly as the node:http path does', async () => {
    const be = await backend((req, res) => {
      if (req.url === '/items/err') return void res.writeHead(503, { 'Set-Cookie': ['a=1', 'b=2'], 'X-Backend': 'b' }).end('down');
      if (req.url === '/items/slow') return; // never answers: the endpoint timeout
      if (req.url === '/items/nolength') {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.write('part one, ');
        return void setTimeout(() => res.end('part two'), 10);
      }
      if (req.method === 'HEAD') return void res.writeHead(200, { 'Content-Length': 42, 'Content-Type': 'text/plain' }).end();
      // A fixed answer (echoHandler's would carry the gateway's port).
      req.resume();
      req.on('end', () => res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': 11 }).end('{"ok":true}'));
    });
    const cfg = config(be.url, { timeout: '300ms' });
    const fast = await gateway(cfg, '1');
    const slow = await gateway(cfg, '0');
    const cases = [
      'GET /v1/items/1 HTTP/1.1\r\nHost: h\r\n\r\n',
      'GET /v1/items/err HTTP/1.1\r\nHost: h\r\n\r\n',
      'GET /v1/items/nolength HTTP/1.1\r\nHost: h\r\n\r\n',
      'HEAD /v1/head/1 HTTP/1.1\r\nHost: h\r\n\r\n',
      'POST /v1/items/1 HTTP/1.1\r\nHost: h\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello',
      'GET /v1/items/slow HTTP/1.1\r\nHost: h\r\n\r\n',
      'GET /v1/items/1 HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n',
    ];
    const served = stats(fast).served;
    for (const text of cases) {
      const [a, b] = await Promise.all([rawExchange(fast.port, text, 500), rawExchange(slow.port, text, 500)]);
      expect(statusOf(a), text).toBeGreaterThan(0);
      expect(normalised(a), text).toBe(normalised(b));
    }
    expect(stats(fast).served - served).toBe(cases.length);
    expect(stats(fast).handedOver).toBe(0);
  });
});

/** Writes `text` and closes the sending side at once; everything read until the server closes. */
function halfClosed(port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(text));
    let data = '';
    socket.setEncoding('latin1');
    socket.on('data', (c: string) => (data += c));
    socket.on('close', () => resolve(data));
    socket.on('error', () => undefined);
  });
}

describe('fast path: a client that closes its side, as node:http treats it', () => {
  it('abandons a running request, and answers 400 to a pipelined head cut short', async () => {
    const be = await backend((_req, res) => void setTimeout(() => res.writeHead(200, { 'Content-Length': 2 }).end('ok'), 50));
    const fast = await gateway(config(be.url), '1');
    const slow = await gateway(config(be.url), '0');
    for (const text of ['GET /v1/items/1 HTTP/1.1\r\nHost: h\r\n\r\n', 'GET /v1/items/1 HTTP/1.1\r\nHost: h\r\n\r\nGET /v1/it', 'POST /v1/items/1 HTTP/1.1\r\nHost: h\r\nContent-Length: 9\r\n\r\nabc']) {
      const [a, b] = await Promise.all([halfClosed(fast.port, text), halfClosed(slow.port, text)]);
      expect(normalised(a), text).toBe(normalised(b));
    }
    expect(stats(fast).served).toBe(3);
  });
});

describe('fast path: connections', () => {
  it('keeps pipelined answers in order across a hand-over in the middle', async () => {
    const be = await backend(backendDoc);
    const gw = await gateway(config(be.url));
    const text =
      'GET /v1/items/a HTTP/1.1\r\nHost: h\r\n\r\n' +
      'POST /v1/items/b HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nxyz' +
      'GET /nope HTTP/1.1\r\nHost: h\r\n\r\n' +
      'GET /v1/items/c HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n';
    const before = stats(gw);
    const raw = await exchange(gw.port, [text], () => false);
    const statuses = [...raw.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));
    expect(statuses).toEqual([200, 200, 404, 200]);
    expect(raw.indexOf('"/items/a"')).toBeLessThan(raw.indexOf('"/items/b"'));
    expect(raw.indexOf('404 page not found')).toBeGreaterThan(raw.indexOf('"/items/b"'));
    expect(raw.indexOf('"/items/c"')).toBeGreaterThan(raw.indexOf('404 page not found'));
    expect(raw).toContain('xyz');
    const after = stats(gw);
    // a and b on the fast path; the miss hands the connection over, and c stays with node:http.
    expect(after.served - before.served).toBe(2);
    expect(after.handedOver - before.handedOver).toBe(1);
  });

  it('answers 408 to a head not finished within read_header_timeout, and closes an idle kept-alive connection after idle_timeout, as node:http does', async () => {
    const be = await backend(backendDoc);
    const cfg = config(be.url, { read_header_timeout: '1s', idle_timeout: '1s' });
    const fast = await gateway(cfg, '1');
    const slow = await gateway(cfg, '0');
    // The server ends both exchanges itself (the quiet time is longer than the limits plus the once-a-second check).
    const partial = 'GET /v1/items/1 HTTP/1.1\r\nHost: h\r\n';
    const [a, b] = await Promise.all([rawExchange(fast.port, partial, 5000), rawExchange(slow.port, partial, 5000)]);
    expect(a).toBe('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    expect(a).toBe(b);
    const whole = 'GET /v1/items/1 HTTP/1.1\r\nHost: h\r\n\r\n';
    // `exchange` returns only once the server closes the connection (else the test times out).
    const [c, d] = await Promise.all([exchange(fast.port, [whole], () => false), exchange(slow.port, [whole], () => false)]);
    expect(statusOf(c)).toBe(200);
    expect(normalised(c).replace(/"127\.0\.0\.1:\d+"/g, '"-"')).toBe(normalised(d).replace(/"127\.0\.0\.1:\d+"/g, '"-"'));
    expect(stats(fast).served).toBe(1);
  });

  it('streams a large request body to a slow backend, and skips a refused body to answer the request behind it', async () => {
    const be = await backend((req, res) => {
      if (req.url !== '/items/upload') return echoHandler(req, res);
      // Reads slowly: the gateway must hold the client back instead of buffering 4 MB.
      void readSlowly(req, 64 * 1024).then((n) => res.writeHead(200, { 'Content-Length': String(n).length }).end(String(n)));
    });
    const gw = await gateway(config(be.url));
    const upload = Buffer.alloc(4 << 20, 'u');
    const res = await request(`${gw.url}/v1/items/upload`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: upload });
    expect([res.status, res.body]).toEqual([200, String(upload.length)]);

    // max_payload refuses the declared length before reading the body; the next pipelined request is still answered.
    const limited = config(be.url, { extra_config: { router: { max_payload: 10 } } });
    const fast = await gateway(limited, '1');
    const slow = await gateway(limited, '0');
    const text = `POST /v1/items/big HTTP/1.1\r\nHost: h\r\nContent-Length: 20\r\n\r\n${'b'.repeat(20)}GET /v1/items/after HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n`;
    const [a, b] = await Promise.all([exchange(fast.port, [text], () => false), exchange(slow.port, [text], () => false)]);
    expect(statusOf(a)).toBe(413);
    expect(normalised(a).replace(/127\.0\.0\.1:\d+/g, '-')).toBe(normalised(b).replace(/127\.0\.0\.1:\d+/g, '-'));
    expect(stats(fast).served).toBe(2);
  });

  it('serves a head sent in 1-byte pieces', async () => {
    const be = await backend(backendDoc);
    const gw = await gateway(config(be.url));
    const before = stats(gw);
    const head = 'GET /v1/items/bytewise?q=1 HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n';
    const raw = await exchange(gw.port, [...head], () => false);
    expect(statusOf(raw)).toBe(200);
    expect(raw).toContain('"/items/bytewise?q=1"');
    expect(stats(gw).served - before.served).toBe(1);
  });

  it('answers 431 to a head over max_header_bytes and closes, as node:http does', async () => {
    const be = await backend(backendDoc);
    const gw = await gateway(config(be.url, { max_header_bytes: 4096 }));
    const raw = await rawExchange(gw.port, `GET /v1/items/1 HTTP/1.1\r\nHost: h\r\nX-Big: ${'a'.repeat(8000)}\r\n\r\n`);
    expect(statusOf(raw)).toBe(431);
    expect(raw).toContain('Connection: close');
    expect(stats(gw).served).toBe(0);
  });

  it('keeps a connection alive across requests and serves a client that reads slowly', async () => {
    const big = Buffer.alloc(4 << 20, 'x');
    const be = await backend((req, res) => {
      if (req.url === '/items/big') return void res.writeHead(200, { 'Content-Length': big.length }).end(big);
      echoHandler(req, res);
    });
    const gw = await gateway(config(be.url));
    const before = stats(gw);
    const received = await new Promise<number>((resolve, reject) => {
      // Reads a little at a time: the gateway must hold back (not buffer 4 MB at once) and still deliver it all.
      const r = httpRequest(`${gw.url}/v1/items/big`, (m) => void readSlowly(m, 256 * 1024).then(resolve));
      r.on('error', reject);
      r.end();
    });
    expect(received).toBe(big.length);
    expect(stats(gw).served - before.served).toBe(1);
  });

  it('streams a server-sent event to the client before the backend finishes', async () => {
    const be = await backend(backendDoc);
    const gw = await gateway(config(be.url));
    const raw = await exchange(gw.port, ['GET /v1/stream HTTP/1.1\r\nHost: h\r\n\r\n'], (t) => t.includes('data: first'));
    expect(raw).toContain('Transfer-Encoding: chunked');
    expect(stats(gw).served).toBe(1);
  });

  it('writes an access-log line for a fast-path request', async () => {
    const be = await backend(backendDoc);
    const gw = await gateway(config(be.url, { extra_config: { 'telemetry/logging': { level: 'INFO', stdout: true } } }));
    await request(`${gw.url}/v1/items/logged`);
    expect(stats(gw).served).toBe(1);
    await expect.poll(() => gw.logs.some((l) => /\[ACCESS\] 200 \| [\d.]+ms \| 127\.0\.0\.1 \| GET "\/v1\/items\/logged"/.test(l))).toBe(true);
  });

  it('drains under load: running requests finish, none fails', async () => {
    const be = await backend((req, res) => setTimeout(() => echoHandler(req, res), 30));
    const gw = await startRuntime(config(be.url), { env: { HGW_FAST_PATH: '1' } });
    const running = Array.from({ length: 20 }, (_, i) => request(`${gw.url}/v1/items/${i}`));
    await expect.poll(() => gw.fastPath!.served).toBe(20);
    await gw.close();
    const answers = await Promise.all(running);
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
  });
});

describe('fast path: the hanzo edge chain', () => {
  it('runs production headers, CORS, the identity strip, the IAM gate and the widget gate as node:http does, byte for byte', async () => {
    const seen: string[][] = [];
    const be = await backend((req, res) => {
      seen.push(req.rawHeaders);
      req.resume();
      req.on('end', () =>
        res
          .writeHead(200, ['Content-Type', 'application/json', 'Access-Control-Allow-Origin', '*', 'X-Powered-By', 'backend', 'Server', 'nginx', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2', 'Content-Length', '11'])
          .end('{"ok":true}'),
      );
    });
    const cfg = base([{ endpoint: '/v1/items/{id}', method: 'GET', output_encoding: 'no-op', input_headers: ['*'], backend: [{ url_pattern: '/items/{id}', host: [be.url] }] }]);
    const env = { AUTH_JWKS_URL: 'http://127.0.0.1:1/jwks', AUTH_ISSUER: 'https://hanzo.id' };
    const fast = await gateway(cfg, '1', { profile: 'hanzo', env: { ...env, HGW_FAST_PATH: '1' } });
    const slow = await gateway(cfg, '0', { profile: 'hanzo', env: { ...env, HGW_FAST_PATH: '0' } });
    const cases = [
      'GET /v1/items/1 HTTP/1.1\r\nHost: api.hanzo.ai\r\n\r\n',
      'GET /v1/items/1 HTTP/1.1\r\nHost: h\r\nOrigin: https://app.hanzo.ai\r\nX-User-Id: spoofed\r\nX-Org-Id: other\r\n\r\n',
      'GET /v1/items/1 HTTP/1.1\r\nHost: h\r\nOrigin: https://evil.example\r\n\r\n',
      'GET /v1/items/1 HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer not-a-jwt\r\n\r\n',
      'GET /v1/items/1 HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer hz_0123456789abcdef0123456789abcdef\r\n\r\n',
    ];
    for (const text of cases) {
      const before = seen.length;
      const [a, b] = await Promise.all([rawExchange(fast.port, text, 500), rawExchange(slow.port, text, 500)]);
      expect(statusOf(a), text).toBeGreaterThan(0);
      expect(normalised(a), text).toBe(normalised(b));
      // Both backends calls (when there were any) carried the same lines, apart from the gateway's own port
      // and the request id each gateway generated (the hanzo profile owns X-Request-ID).
      const got = seen.slice(before).map((h) => h.join('\n').replace(/127\.0\.0\.1:\d+/g, '-').replace(/(x-request-id)\n[^\n]*/gi, '$1\n-'));
      expect(got.length === 0 || got.every((g) => g === got[0]), text).toBe(true);
      expect(got.join('')).not.toContain('spoofed');
    }
    expect(stats(fast).served).toBe(cases.length);
  });
});

describe('fast path: KrakenD router middleware', () => {
  it('runs security/http, security/cors, the bot detector and the metrics router layer as node:http does, byte for byte, on the fast path', async () => {
    const be = await backend((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '11' }).end('{"ok":true}'));
    });
    const cfg = config(be.url, {
      extra_config: {
        'security/http': { allowed_hosts: ['api.example.com'], frame_deny: true, content_type_nosniff: true, sts_seconds: 300, force_sts_header: true },
        'security/cors': { allow_origins: ['https://app.example.com'], allow_methods: ['GET', 'POST'], expose_headers: ['X-Page'], allow_credentials: true },
        'security/bot-detector': { deny: ['evil-bot'], patterns: ['.*[Cc]rawler.*'] },
        // Its router layer is endpoint middleware on every endpoint (the KrakenD CE suite's config has it too).
        'telemetry/metrics': { listen_address: '127.0.0.1:0' },
      },
    });
    const fast = await gateway(cfg, '1', { profile: 'krakend' });
    const slow = await gateway(cfg, '0', { profile: 'krakend' });
    // Each case: the request, and whether the fast path answers it (its route is a no-op endpoint).
    const cases: Array<[string, boolean]> = [
      ['GET /v1/items/1 HTTP/1.1\r\nHost: api.example.com\r\nOrigin: https://app.example.com\r\n\r\n', true],
      ['GET /v1/items/1 HTTP/1.1\r\nHost: api.example.com\r\nOrigin: https://evil.example\r\n\r\n', true],
      ['GET /v1/items/1 HTTP/1.1\r\nHost: evil.example\r\n\r\n', true],
      ['GET /v1/items/1 HTTP/1.1\r\nHost: api.example.com\r\nUser-Agent: evil-bot\r\n\r\n', true],
      ['GET /v1/items/1 HTTP/1.1\r\nHost: api.example.com\r\nUser-Agent: SomeCrawler/1.0\r\n\r\n', true],
      // A preflight routes to no endpoint (OPTIONS): node:http answers it on both gateways.
      ['OPTIONS /v1/items/1 HTTP/1.1\r\nHost: api.example.com\r\nOrigin: https://app.example.com\r\nAccess-Control-Request-Method: POST\r\n\r\n', false],
    ];
    let expectedServed = 0;
    for (const [text, taken] of cases) {
      const before = stats(fast).served;
      const [a, b] = await Promise.all([rawExchange(fast.port, text, 500), rawExchange(slow.port, text, 500)]);
      expect(statusOf(a), text).toBeGreaterThan(0);
      expect(normalised(a), text).toBe(normalised(b));
      expect(stats(fast).served - before, text).toBe(taken ? 1 : 0);
      if (taken) expectedServed++;
    }
    expect(stats(fast).served).toBe(expectedServed);
    expect(slow.fastPath?.served ?? 0).toBe(0);
  });
});

describe('fast path: endpoint rate limit', () => {
  it('serves qos/ratelimit/router on the fast path: the 200 and the 429 are node:http\'s bytes', async () => {
    const be = await backend((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '2' }).end('{}'));
    });
    const cfg = base([{ endpoint: '/v1/limited', method: 'GET', output_encoding: 'no-op', extra_config: { 'qos/ratelimit/router': { max_rate: 1, every: '1m', client_max_rate: 1, strategy: 'ip' } }, backend: [{ url_pattern: '/x', host: [be.url] }] }]);
    const fast = await gateway(cfg, '1', { profile: 'krakend' });
    const slow = await gateway(cfg, '0', { profile: 'krakend' });
    const text = 'GET /v1/limited HTTP/1.1\r\nHost: h\r\n\r\n';
    for (const status of [200, 429]) {
      const [a, b] = await Promise.all([rawExchange(fast.port, text, 500), rawExchange(slow.port, text, 500)]);
      expect(statusOf(a)).toBe(status);
      expect(normalised(a)).toBe(normalised(b));
    }
    expect(stats(fast).served).toBe(2);
  });
});
