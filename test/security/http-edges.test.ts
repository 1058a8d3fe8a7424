import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base } from '../helpers/check.js';
import { startIngressRuntime, startRuntime } from '../helpers/gateway.js';
import { request } from '../helpers/servers.js';
import { rawExchange, recordingBackend, statusOf, type RecordingBackend } from './hostile-kit.js';

/**
 * Malformed and hostile HTTP at the edge, on a KrakenD gateway and on the
 * ingress: heads Go's server refuses (HTTP/0.9 lines, other major versions,
 * duplicate or malformed Host), request smuggling shapes, encoded slashes in
 * params, and redirects that must stay on this site whatever
 * X-Forwarded-Prefix says.
 */
let backend: RecordingBackend;
let gw: Awaited<ReturnType<typeof startRuntime>>;
let ingress: Awaited<ReturnType<typeof startIngressRuntime>>;

beforeAll(async () => {
  backend = await recordingBackend();
  gw = await startRuntime(
    base([
      { endpoint: '/api/x', output_encoding: 'no-op', backend: [{ url_pattern: '/', host: [backend.url] }] },
      { endpoint: '/item/{id}', output_encoding: 'no-op', backend: [{ url_pattern: '/item/{id}', host: [backend.url] }] },
      { endpoint: '/post', method: 'POST', output_encoding: 'no-op', backend: [{ url_pattern: '/', host: [backend.url] }] },
    ]),
  );
  ingress = await startIngressRuntime({ routes: [{ host: 'site.example', backends: [{ path: '/', url: backend.url }] }] });
});
afterAll(async () => {
  await gw.close();
  await ingress.close();
  await backend.close();
});

describe('request heads Go refuses', () => {
  const heads: Array<[string, string, string]> = [
    ['an HTTP/0.9 request line', 'GET /api/x\r\n\r\n', '400 Bad Request'],
    ['HTTP/2.0 on an HTTP/1 listener', 'GET /api/x HTTP/2.0\r\nHost: a\r\n\r\n', '400 Bad Request: unsupported protocol version'],
    ['two Host lines', 'GET /api/x HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n', '400 Bad Request: too many Host headers'],
    ['two Host lines in other cases', 'GET /api/x HTTP/1.1\r\nhost: site.example\r\nHOST: evil\r\n\r\n', '400 Bad Request: too many Host headers'],
    ['Host with userinfo', 'GET /api/x HTTP/1.1\r\nHost: h:80@evil\r\n\r\n', '400 Bad Request: malformed Host header'],
    ['Host with a space', 'GET /api/x HTTP/1.1\r\nHost: a b\r\n\r\n', '400 Bad Request: malformed Host header'],
  ];
  it.each(heads)('%s → 400 on the gateway and the ingress, nothing reaches a backend', async (_name, head, body) => {
    const before = backend.seen.length;
    for (const port of [gw.port, ingress.port]) {
      const answer = await rawExchange(port, head);
      expect(statusOf(answer), `port ${port}`).toBe(400);
      expect(answer.endsWith(body), `port ${port}: ${answer}`).toBe(true);
    }
    expect(backend.seen.length).toBe(before);
  });

  it('still serves HTTP/1.0 without Host and a well-formed Host with a port or IPv6 literal', async () => {
    expect(statusOf(await rawExchange(gw.port, 'GET /api/x HTTP/1.0\r\n\r\n'))).toBe(200);
    expect(statusOf(await rawExchange(gw.port, 'GET /api/x HTTP/1.1\r\nHost: api.example.com:8080\r\nConnection: close\r\n\r\n'))).toBe(200);
    expect(statusOf(await rawExchange(gw.port, 'GET /api/x HTTP/1.1\r\nHost: [::1]:8080\r\nConnection: close\r\n\r\n'))).toBe(200);
    expect(statusOf(await rawExchange(ingress.port, 'GET /x HTTP/1.1\r\nHost: site.example\r\nConnection: close\r\n\r\n'))).toBe(200);
  });
});

describe('oversized heads', () => {
  it('more header bytes than max_header_bytes → 431 and the connection closes', async () => {
    const small = await startRuntime(base([{ endpoint: '/api/x', output_encoding: 'no-op', backend: [{ url_pattern: '/', host: [backend.url] }] }], { max_header_bytes: 4096 }));
    try {
      const answer = await rawExchange(small.port, `GET /api/x HTTP/1.1\r\nHost: a\r\nX-Big: ${'a'.repeat(8192)}\r\n\r\n`);
      expect(answer).toMatch(/^HTTP\/1\.1 431 /);
    } finally {
      await small.close();
    }
  });
});

describe('request smuggling shapes (held)', () => {
  it.each([
    ['Content-Length with Transfer-Encoding', 'POST /post HTTP/1.1\r\nHost: site.example\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'],
    ['two different Content-Lengths', 'POST /post HTTP/1.1\r\nHost: site.example\r\nContent-Length: 1\r\nContent-Length: 4\r\n\r\nabcd'],
    ['an obfuscated Transfer-Encoding', 'POST /post HTTP/1.1\r\nHost: site.example\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n'],
  ])('%s → 400', async (_name, head) => {
    const before = backend.seen.length;
    for (const port of [gw.port, ingress.port]) expect(statusOf(await rawExchange(port, head)), `port ${port}`).toBe(400);
    expect(backend.seen.length).toBe(before);
  });
});

describe('encoded slashes in params (held)', () => {
  it('never lets %2f, ..%2f or a double-encoded %252f reach a backend (404 as gin, 400 encoded url params)', async () => {
    const before = backend.seen.length;
    expect((await request(`${gw.url}/item/a%2fb`)).status).toBe(404);
    expect((await request(`${gw.url}/item/..%2f..%2fadmin`)).status).toBe(404);
    const doubled = await request(`${gw.url}/item/a%252fb`);
    expect([doubled.status, doubled.body]).toEqual([400, 'error: encoded url params']);
    expect(backend.seen.length).toBe(before);
  });
});

describe('X-Forwarded-Prefix in redirects', () => {
  it.each([
    ['//evil.com', '/evilcom/api/x'],
    ['/\\evil.com', '/evilcom/api/x'],
    ['https://evil.com', '/https/evilcom/api/x'],
    ['/base/', '/base/api/x'],
    ['../../x', '/x/api/x'],
  ])('prefix %j → Location %j (gin since CVE-2023-26125)', async (prefix, location) => {
    const res = await request(`${gw.url}/api/x/`, { headers: { 'x-forwarded-prefix': prefix } });
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe(location);
  });
});
