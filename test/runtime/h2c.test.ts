import { afterEach, describe, expect, it } from 'vitest';
import { connect, type ClientHttp2Session, type IncomingHttpHeaders } from 'node:http2';
import { base } from '../helpers/check.js';
import { startRuntime } from '../helpers/gateway.js';
import { echoHandler, gatedBackend, headerLines, request, startServer, type EchoedRequest } from '../helpers/servers.js';

/**
 * `use_h2c`: HTTP/2 with prior knowledge and HTTP/1.1 on one port, with a
 * real node:http2 client. HTTP/2 requests must look to the gateway (and so
 * to backends) as HTTP/1.1 ones do, and answers must not carry the HTTP/1
 * connection headers HTTP/2 forbids.
 */
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function h2(url: string): ClientHttp2Session {
  const session = connect(url);
  session.on('error', () => undefined);
  cleanups.push(() => {
    session.destroy();
  });
  return session;
}

function get(session: ClientHttp2Session, path: string, headers: Record<string, string> = {}): Promise<{ headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ':path': path, ...headers });
    let body = '';
    let head: IncomingHttpHeaders = {};
    stream.setEncoding('utf8');
    stream.on('response', (h) => (head = h));
    stream.on('data', (d: string) => (body += d));
    stream.on('end', () => resolve({ headers: head, body }));
    stream.on('error', reject);
    stream.end();
  });
}

describe('use_h2c', () => {
  it('serves HTTP/2 with prior knowledge and HTTP/1.1 on the same port, as the same gateway', async () => {
    const be = await startServer(echoHandler);
    cleanups.push(() => be.close());
    const gw = await startRuntime(base([
      { endpoint: '/noop', output_encoding: 'no-op', input_headers: ['*'], backend: [{ url_pattern: '/echo', host: [be.url] }] },
      { endpoint: '/json', backend: [{ url_pattern: '/echo', host: [be.url], allow: ['method', 'url'] }] },
    ], { use_h2c: true }));
    cleanups.push(() => gw.close());

    const session = h2(gw.url);
    const noop = await get(session, '/noop', { ':authority': 'api.example', 'x-custom': 'yes' });
    expect(noop.headers[':status']).toBe(200);
    // Backend headers HTTP/2 forbids are gone; repeated Set-Cookie survives.
    expect(noop.headers.connection).toBeUndefined();
    expect(noop.headers['keep-alive']).toBeUndefined();
    expect(noop.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    const echoed = JSON.parse(noop.body) as EchoedRequest;
    expect(echoed.url).toBe('/echo');
    // No pseudo-header reaches the backend; the client's :authority is the forwarded host.
    expect(echoed.rawHeaders.filter((h, i) => i % 2 === 0 && h.startsWith(':'))).toEqual([]);
    expect(headerLines(echoed.rawHeaders, 'x-custom')).toEqual(['yes']);
    expect(headerLines(echoed.rawHeaders, 'x-forwarded-host')).toEqual(['api.example']);

    const json = await get(session, '/json');
    expect([json.headers[':status'], JSON.parse(json.body)]).toEqual([200, { method: 'GET', url: '/echo' }]);
    expect((await get(session, '/readyz')).headers[':status']).toBe(200);
    expect((await get(session, '/nowhere')).headers[':status']).toBe(404);

    const h1 = await request(`${gw.url}/json`);
    expect([h1.status, JSON.parse(h1.body)]).toEqual([200, { method: 'GET', url: '/echo' }]);
  });

  it('passes request bodies through, with or without a content-length (HTTP/2 needs none)', async () => {
    const be = await startServer(echoHandler);
    cleanups.push(() => be.close());
    const gw = await startRuntime(base([
      { endpoint: '/noop', method: 'POST', output_encoding: 'no-op', backend: [{ url_pattern: '/echo', host: [be.url] }] },
      { endpoint: '/json', method: 'POST', backend: [{ url_pattern: '/echo', host: [be.url], allow: ['body'] }] },
    ], { use_h2c: true }));
    cleanups.push(() => gw.close());
    const session = h2(gw.url);
    const post = (path: string, body: string, length: boolean) =>
      new Promise<string>((resolve, reject) => {
        const stream = session.request({ ':path': path, ':method': 'POST', 'content-type': 'application/json', ...(length ? { 'content-length': String(body.length) } : {}) });
        let out = '';
        stream.setEncoding('utf8');
        stream.on('data', (d: string) => (out += d));
        stream.on('end', () => resolve(out));
        stream.on('error', reject);
        stream.end(body);
      });
    for (const length of [true, false]) {
      expect((JSON.parse(await post('/noop', '{"a":1}', length)) as EchoedRequest).body).toBe('{"a":1}');
      expect(JSON.parse(await post('/json', '{"b":2}', length))).toEqual({ body: '{"b":2}' });
    }
  });

  it('without use_h2c an HTTP/2 prior-knowledge client gets no HTTP/2 session', async () => {
    const gw = await startRuntime(base([{ endpoint: '/x', backend: [{ url_pattern: '/x' }] }]));
    cleanups.push(() => gw.close());
    await expect(get(h2(gw.url), '/readyz')).rejects.toThrow();
  });

  it('closes an HTTP/2 connection that stays idle past idle_timeout, as HTTP/1.1 keep-alive does', async () => {
    const gw = await startRuntime(base([{ endpoint: '/x', backend: [{ url_pattern: '/x' }] }], { use_h2c: true, idle_timeout: '300ms' }));
    cleanups.push(() => gw.close());
    const session = h2(gw.url);
    expect((await get(session, '/readyz')).headers[':status']).toBe(200);
    await new Promise<void>((resolve) => session.once('close', () => resolve()));
  });

  it('draining sends GOAWAY: a running stream finishes, the connection then closes', async () => {
    const be = await gatedBackend();
    cleanups.push(() => be.close());
    const gw = await startRuntime(base([{ endpoint: '/slow', output_encoding: 'no-op', backend: [{ url_pattern: '/slow', host: [be.url] }] }], { use_h2c: true }));
    const session = h2(gw.url);
    const goaway = new Promise<void>((resolve) => session.once('goaway', () => resolve()));
    const slow = get(session, '/slow');
    await be.arrived;
    const closed = gw.close();
    await goaway;
    be.release();
    expect((await slow).body).toBe('slow done');
    await closed;
    await new Promise<void>((resolve) => (session.closed ? resolve() : session.once('close', () => resolve())));
  });
});

describe('use_h2c under the hanzo profile (the default)', () => {
  it('answers HTTP/2 through the production headers and the IAM gate: stamped, identity stripped, private refused', async () => {
    const be = await startServer(echoHandler);
    cleanups.push(() => be.close());
    const ep = (path: string, isPublic: boolean) => ({
      endpoint: path, output_encoding: 'no-op', input_headers: ['*'], backend: [{ url_pattern: '/echo', host: [be.url] }], extra_config: { 'auth/public': isPublic },
    });
    const gw = await startRuntime(base([ep('/pub', true), ep('/priv', false)], { use_h2c: true }), { profile: 'hanzo', env: { AUTH_JWKS_URL: 'http://127.0.0.1:1/jwks' } });
    cleanups.push(() => gw.close());
    const session = h2(gw.url);
    // A forged identity over HTTP/2 is stripped like over HTTP/1 (the strip edits headersDistinct too).
    const pub = await get(session, '/pub', { ':authority': 'api.hanzo.ai', 'x-user-id': 'evil', 'x-org-id': 'evil-org', 'x_user_id': 'evil2' });
    expect(pub.headers[':status']).toBe(200);
    expect(pub.headers.server).toBe('hanzo');
    expect(pub.headers['strict-transport-security']).toBe('max-age=63072000; includeSubDomains');
    const echoed = JSON.parse(pub.body) as EchoedRequest;
    expect(echoed.rawHeaders.filter((_, i) => i % 2 === 0).filter((n) => /^x[-_](user|org)/i.test(n))).toEqual([]);
    const priv = await get(session, '/priv', { ':authority': 'api.hanzo.ai', 'x-user-id': 'evil' });
    expect(priv.headers[':status']).toBe(401);
    expect(priv.body).toBe('{"error":"unauthorized","message":"Authentication required"}');
  });
});
