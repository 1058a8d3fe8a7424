import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Agent as HttpsAgent, createServer as createHttpsServer, request as httpsRequest, type RequestOptions as HttpsRequestOptions } from 'node:https';
import type { AddressInfo } from 'node:net';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type TLSSocket } from 'node:tls';
import { connect as connectHttp2 } from 'node:http2';
import { base } from '../helpers/check.js';
import { startRuntime } from '../helpers/gateway.js';
import { makePki, type Pair, type Pki } from '../helpers/certs.js';
import { startServer, echoHandler, headerLines, type EchoedRequest, type TestResponse } from '../helpers/servers.js';

/**
 * Service `tls` and `client_tls` against real sockets and certificates made
 * by openssl for this run: HTTPS serving, client certificates required by
 * the gateway, client certificates presented to a backend that requires
 * them, an untrusted backend refused, and the version floor enforced.
 */
let pki: Pki;
let server: Pair;
let client: Pair;
beforeAll(() => {
  pki = makePki();
  server = pki.server('gateway');
  client = pki.client('caller');
});

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** The common name of the certificate the other side presented. */
function cn(socket: TLSSocket): string | undefined {
  const name = socket.getPeerCertificate?.().subject?.CN;
  return name === undefined ? undefined : String(name);
}

function get(url: string, options: HttpsRequestOptions = {}): Promise<TestResponse & { protocol: string | null; peerCn?: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { agent: false, ...options }, (res) => {
      const chunks: Buffer[] = [];
      const socket = res.socket as TLSSocket;
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks).toString('utf8'), protocol: socket.getProtocol?.() ?? null, peerCn: cn(socket) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** An HTTPS backend with `pair`, echoing requests; with `requireClientCert`, only callers `pki.ca` signed get in. */
async function httpsBackend(pair: Pair, requireClientCert = false): Promise<{ url: string; close(): Promise<void>; peers: string[]; protocols: string[] }> {
  const peers: string[] = [];
  const protocols: string[] = [];
  const srv = createHttpsServer({ cert: pair.certPem, key: pair.keyPem, ca: pki.ca.certPem, requestCert: requireClientCert, rejectUnauthorized: requireClientCert }, (req, res) => {
    peers.push(cn(req.socket as TLSSocket) ?? '');
    protocols.push((req.socket as TLSSocket).getProtocol() ?? '');
    echoHandler(req, res);
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://localhost:${(srv.address() as AddressInfo).port}`,
    peers,
    protocols,
    close: () => new Promise<void>((resolve) => {
      srv.closeAllConnections();
      srv.close(() => resolve());
    }),
  };
}

const noop = (host: string) => [{ endpoint: '/e', output_encoding: 'no-op', backend: [{ url_pattern: '/echo', host: [host] }] }];

describe('service tls', () => {
  it('serves HTTPS with the configured key pair and refuses plain HTTP', async () => {
    const be = await startServer(echoHandler);
    cleanups.push(() => be.close());
    const gw = await startRuntime(base(noop(be.url), { tls: { keys: [{ public_key: server.cert, private_key: server.key }] } }));
    cleanups.push(() => gw.close());
    const res = await get(`https://localhost:${gw.port}/e`, { ca: pki.ca.certPem });
    expect(res.status).toBe(200);
    expect(res.peerCn).toBe('gateway');
    expect(gw.logs.join('\n')).toMatch(/listening on port \d+ \(https\)/);
    // KrakenD's default floor and ceiling: TLS 1.3 only.
    expect(res.protocol).toBe('TLSv1.3');
    await expect(fetch(`http://127.0.0.1:${gw.port}/e`)).rejects.toThrow();
    // A client that does not trust the gateway's CA stops at the handshake.
    await expect(get(`https://localhost:${gw.port}/e`)).rejects.toThrow(/self.signed|unable to (get|verify)/i);
  });

  it('serves HTTP/2 by ALPN beside HTTP/1.1, as Go\'s HTTPS does', async () => {
    const be = await startServer(echoHandler);
    cleanups.push(() => be.close());
    const gw = await startRuntime(base(noop(be.url), { tls: { keys: [{ public_key: server.cert, private_key: server.key }] } }));
    cleanups.push(() => gw.close());
    const session = connectHttp2(`https://localhost:${gw.port}`, { ca: pki.ca.certPem });
    cleanups.push(async () => {
      session.destroy();
    });
    const answer = await new Promise<{ status: unknown; alpn: string | false | undefined; body: string }>((resolve, reject) => {
      const stream = session.request({ ':path': '/e' });
      let body = '';
      let status: unknown;
      stream.on('response', (h) => (status = h[':status']));
      stream.setEncoding('utf8');
      stream.on('data', (d: string) => (body += d));
      stream.on('end', () => resolve({ status, alpn: session.alpnProtocol, body }));
      stream.on('error', reject);
      stream.end();
    });
    expect([answer.status, answer.alpn]).toEqual([200, 'h2']);
    expect(headerLines((JSON.parse(answer.body) as EchoedRequest).rawHeaders, 'x-forwarded-host')).toEqual([`localhost:${gw.port}`]);
    // A client that asks for HTTP/1.1 by ALPN gets it.
    expect((await get(`https://localhost:${gw.port}/e`, { ca: pki.ca.certPem, ALPNProtocols: ['http/1.1'] } as HttpsRequestOptions)).status).toBe(200);
  });

  it('drains an HTTPS listener with a kept-alive HTTP/1.1 client at once', async () => {
    const be = await startServer(echoHandler);
    cleanups.push(() => be.close());
    const gw = await startRuntime(base(noop(be.url), { tls: { keys: [{ public_key: server.cert, private_key: server.key }] } }));
    const agent = new HttpsAgent({ keepAlive: true, ca: pki.ca.certPem });
    cleanups.push(async () => agent.destroy());
    expect((await get(`https://localhost:${gw.port}/e`, { agent })).status).toBe(200);
    // The kept-alive connection is closed by the drain, not waited for until its keep-alive timeout.
    await gw.close();
  });

  it('enforces min_version: a TLS 1.2 client is refused at TLS13, served at TLS12', async () => {
    const be = await startServer(echoHandler);
    cleanups.push(() => be.close());
    const strict = await startRuntime(base(noop(be.url), { tls: { keys: [{ public_key: server.cert, private_key: server.key }] } }));
    cleanups.push(() => strict.close());
    await expect(get(`https://localhost:${strict.port}/e`, { ca: pki.ca.certPem, maxVersion: 'TLSv1.2' })).rejects.toThrow(/version|alert/i);

    const lax = await startRuntime(base(noop(be.url), { tls: { keys: [{ public_key: server.cert, private_key: server.key }], min_version: 'TLS12', cipher_suites: [49195, 49199] } }));
    cleanups.push(() => lax.close());
    const res = await get(`https://localhost:${lax.port}/e`, { ca: pki.ca.certPem, maxVersion: 'TLSv1.2' });
    expect([res.status, res.protocol]).toEqual([200, 'TLSv1.2']);
    // cipher_suites 49195/49199 are ECDHE-*-AES128-GCM-SHA256: a client offering only AES256 finds no common suite.
    await expect(get(`https://localhost:${lax.port}/e`, { ca: pki.ca.certPem, maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES256-GCM-SHA384' })).rejects.toThrow(/handshake|cipher|alert/i);
  });

  it('enable_mtls: a client without a certificate from ca_certs is refused, one with it is served', async () => {
    const be = await startServer(echoHandler);
    cleanups.push(() => be.close());
    const tls = { keys: [{ public_key: server.cert, private_key: server.key }], enable_mtls: true, ca_certs: [pki.ca.cert], disable_system_ca_pool: true };
    const gw = await startRuntime(base(noop(be.url), { tls }));
    cleanups.push(() => gw.close());
    const url = `https://localhost:${gw.port}/e`;
    await expect(get(url, { ca: pki.ca.certPem })).rejects.toThrow(/certificate|alert|socket hang up|ECONNRESET/i);
    const stranger = pki.client('stranger', pki.otherCa);
    await expect(get(url, { ca: pki.ca.certPem, cert: stranger.certPem, key: stranger.keyPem })).rejects.toThrow(/certificate|alert|socket hang up|ECONNRESET/i);
    const res = await get(url, { ca: pki.ca.certPem, cert: client.certPem, key: client.keyPem });
    expect(res.status).toBe(200);
  });

  it('chooses the key pair by SNI, and reload() serves new files without a restart', async () => {
    const be = await startServer(echoHandler);
    cleanups.push(() => be.close());
    const other = pki.server('other-site', ['other.test']);
    // The served files live where an operator's mounted secret would; reload re-reads them.
    const live = { cert: join(pki.dir, 'live.crt'), key: join(pki.dir, 'live.key') };
    copyFileSync(server.cert, live.cert);
    copyFileSync(server.key, live.key);
    const gw = await startRuntime(base(noop(be.url), { tls: { keys: [{ public_key: live.cert, private_key: live.key }, { public_key: other.cert, private_key: other.key }] } }));
    cleanups.push(() => gw.close());
    const cnFor = (servername: string) =>
      new Promise<string | undefined>((resolve, reject) => {
        const s = connect({ host: '127.0.0.1', port: gw.port, servername, ca: pki.ca.certPem }, () => {
          resolve(cn(s));
          s.end();
        });
        s.on('error', reject);
      });
    expect(await cnFor('other.test')).toBe('other-site');
    expect(await cnFor('localhost')).toBe('gateway');

    const renewed = pki.server('gateway-renewed');
    copyFileSync(renewed.cert, live.cert);
    copyFileSync(renewed.key, live.key);
    expect(gw.reload()).toEqual(['tls key pairs and CAs']);
    expect(await cnFor('localhost')).toBe('gateway-renewed');
  });
});

describe('client_tls', () => {
  it('verifies backends against ca_certs: a backend the CA signed is reached, one signed by another CA is refused', async () => {
    const good = await httpsBackend(pki.server('backend'));
    cleanups.push(() => good.close());
    const bad = await httpsBackend(pki.server('impostor', ['localhost'], pki.otherCa));
    cleanups.push(() => bad.close());
    const gw = await startRuntime(base([
      ...noop(good.url),
      { endpoint: '/bad', output_encoding: 'no-op', backend: [{ url_pattern: '/echo', host: [bad.url] }] },
    ], { client_tls: { ca_certs: [pki.ca.cert], disable_system_ca_pool: true } }));
    cleanups.push(() => gw.close());
    expect((await fetch(`${gw.url}/e`)).status).toBe(200);
    const refused = await fetch(`${gw.url}/bad`);
    expect(refused.status).toBeGreaterThanOrEqual(500);
    expect(bad.peers).toEqual([]);
  });

  it('without ca_certs a private CA is not trusted; allow_insecure_connections reaches it anyway', async () => {
    const be = await httpsBackend(pki.server('backend'));
    cleanups.push(() => be.close());
    const strict = await startRuntime(base(noop(be.url)));
    cleanups.push(() => strict.close());
    expect((await fetch(`${strict.url}/e`)).status).toBeGreaterThanOrEqual(500);
    const lax = await startRuntime(base(noop(be.url), { client_tls: { allow_insecure_connections: true } }));
    cleanups.push(() => lax.close());
    expect((await fetch(`${lax.url}/e`)).status).toBe(200);
  });

  it('presents client_certs to a backend that requires a client certificate', async () => {
    const be = await httpsBackend(pki.server('backend'), true);
    cleanups.push(() => be.close());
    const without = await startRuntime(base(noop(be.url), { client_tls: { ca_certs: [pki.ca.cert] } }));
    cleanups.push(() => without.close());
    expect((await fetch(`${without.url}/e`)).status).toBeGreaterThanOrEqual(500);
    const withCert = await startRuntime(base(noop(be.url), { client_tls: { ca_certs: [pki.ca.cert], client_certs: [{ certificate: client.cert, private_key: client.key }] } }));
    cleanups.push(() => withCert.close());
    expect((await fetch(`${withCert.url}/e`)).status).toBe(200);
    expect(be.peers).toEqual(['caller']);
  });

  it('max_version caps what the gateway offers a backend', async () => {
    const be = await httpsBackend(pki.server('backend'));
    cleanups.push(() => be.close());
    const gw = await startRuntime(base(noop(be.url), { client_tls: { ca_certs: [pki.ca.cert], min_version: 'TLS12', max_version: 'TLS12' } }));
    cleanups.push(() => gw.close());
    expect((await fetch(`${gw.url}/e`)).status).toBe(200);
    expect(be.protocols).toEqual(['TLSv1.2']);
  });
});
