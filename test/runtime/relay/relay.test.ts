import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../runtime/shared/log/logger.js';
import { relayConfigFromEnv } from '../../../runtime/relay/relay-config.js';
import { startRelay, type RunningRelay } from '../../../runtime/relay/relay.js';
import { decodeForward, decodeForwardResponse, encodeForward, encodeForwardResponse, encodePush, receivedPush, type ForwardEnvelope, type PushEnvelope } from '../../../runtime/zap/wire/forward-envelopes.js';
import { createZapNodeServer, ZapConnection } from '../../../runtime/zap/wire/zap-connection.js';
import { base } from '../../helpers/check.js';
import { startRuntime } from '../../helpers/gateway.js';
import { echoHandler, request, startServer, type TestServer } from '../../helpers/servers.js';
import { aliceClaims, makeSigningKey, signToken, startJwksServer, type JwksServer, type SigningKey } from '../auth/iam/iam-test-kit.js';
import { startSpecPeer, type SpecPeer } from '../zap/spec-peer.js';

/**
 * The relay build (spec C4, hanzo-core §7.1), in process: Forward envelopes
 * in, the relay gate, `/v1/base/*` to base and the rest to cloud (two spec
 * peers in front of a real HTTP service), Push frames back, probes, redial,
 * unreachable peers and the drain.
 */
let key: SigningKey;
let jwks: JwksServer;
let service: TestServer;
let cloud: SpecPeer;
let basePeer: SpecPeer;
const relays: RunningRelay[] = [];
const logs: string[] = [];
const clients: ZapConnection[] = [];

beforeAll(async () => {
  key = await makeSigningKey('RS256', 'k1');
  jwks = await startJwksServer([key.jwk]);
  service = await startServer(echoHandler);
  cloud = await startSpecPeer('cloud', service.url);
  basePeer = await startSpecPeer('base', service.url);
});

afterEach(async () => {
  while (clients.length) clients.pop()!.close();
  while (relays.length) await relays.pop()!.drain();
});

afterAll(async () => {
  await cloud?.close();
  await basePeer?.close();
  await jwks?.stop();
  await service?.close();
});

async function relay(env: Record<string, string> = {}): Promise<RunningRelay> {
  const full = {
    GATEWAY_NODE_ID: 'relay',
    HGW_ZAP_NODE_LISTEN: '127.0.0.1:0',
    GATEWAY_LISTEN: '127.0.0.1:0',
    GATEWAY_HEALTH_LISTEN: '127.0.0.1:0',
    CLOUD_ZAP_ADDR: `127.0.0.1:${cloud.port}`,
    BASE_ZAP_ADDR: `127.0.0.1:${basePeer.port}`,
    AUTH_JWKS_URL: jwks.url,
    AUTH_ISSUER: 'https://hanzo.id',
    ...env,
  };
  const r = await startRelay(relayConfigFromEnv(full), full, createLogger({ write: (l) => logs.push(l) }));
  relays.push(r);
  return r;
}

async function client(r: RunningRelay): Promise<ZapConnection> {
  const c = await ZapConnection.dial('127.0.0.1', r.zapPort, `ingress-${clients.length}`);
  clients.push(c);
  return c;
}

const FORGED: Pick<ForwardEnvelope, 'isAdmin' | 'permissions' | 'tenantId' | 'userId'> = { isAdmin: true, permissions: -1n, tenantId: 'evil-org', userId: 'root' };

function forward(path: string, headers: Array<[string, string]> = [], extra: Partial<ForwardEnvelope> = {}): Buffer {
  return encodeForward({ ...FORGED, method: 'GET', path, connId: '', headers, body: Buffer.alloc(0), ...extra });
}

async function call(c: ZapConnection, path: string, headers: Array<[string, string]> = [], extra: Partial<ForwardEnvelope> = {}) {
  const res = decodeForwardResponse(await c.call(forward(path, headers, extra), 10_000));
  return { status: res.status, body: res.body.toString(), headers: res.headers };
}

const identityOf = (peer: SpecPeer) => {
  const f = peer.forwards[peer.forwards.length - 1]!;
  return [f.userId, f.tenantId, f.isAdmin, f.permissions];
};
const NOBODY = ['', '', false, 0n];

describe('relay gate (C4)', () => {
  it('clears the identity a sender states; a tokenless call passes without AUTH_REQUIRE', async () => {
    const c = await client(await relay());
    expect((await call(c, '/v1/x')).status).toBe(200);
    expect(identityOf(cloud)).toEqual(NOBODY);
  });

  it('clears identity lines from the Forward\'s Headers too, any spelling: forward.Serve would hand them to the service', async () => {
    const c = await client(await relay());
    const forged: Array<[string, string]> = [['X-User-Id', 'evil'], ['X-Org-Id', 'evil-org'], ['X-User-IsAdmin', 'true'], ['X_User_Id', 'evil2'], ['X-Hanzo-Tenant', 'evil'], ['Accept', 'application/json']];
    const withKey: Array<[string, string]> = [...forged, ['Authorization', 'Bearer hk-123']];
    const cases: Array<[string, Array<[string, string]>]> = [['/v1/x', forged], ['/v1/x', withKey], ['/healthz/x', forged]];
    for (const [path, headers] of cases) {
      expect((await call(c, path, headers)).status).toBe(200);
      const sent = Object.keys(cloud.forwards[cloud.forwards.length - 1]!.headers).map((k) => k.toLowerCase());
      expect(sent.filter((k) => /^x[-_](user|org|hanzo)/.test(k)), path).toEqual([]);
      expect(sent).toContain('accept');
    }
  });

  it('refuses a tokenless call with AUTH_REQUIRE=true: 401 Authentication required, JSON', async () => {
    const c = await client(await relay({ AUTH_REQUIRE: 'true' }));
    const res = await call(c, '/v1/x');
    expect([res.status, JSON.parse(res.body)]).toEqual([401, { error: 'unauthorized', message: 'Authentication required' }]);
    expect(res.headers).toEqual([['Content-Type', 'application/json']]);
  });

  it('lets a public path through without a token, even with AUTH_REQUIRE=true', async () => {
    const c = await client(await relay({ AUTH_REQUIRE: 'true', AUTH_PUBLIC_PATHS: '/v1/open/' }));
    expect((await call(c, '/v1/open/x')).status).toBe(200);
    expect(identityOf(cloud)).toEqual(NOBODY);
  });

  it('does not let a dot-segment path borrow a public prefix (Go matched the raw path)', async () => {
    const c = await client(await relay({ AUTH_REQUIRE: 'true', AUTH_PUBLIC_PATHS: '/v1/open/' }));
    expect((await call(c, '/v1/open/../x')).status).toBe(401);
    expect((await call(c, '/v1/open/%2e%2e/x')).status).toBe(401);
  });

  it('passes an API key on with no identity', async () => {
    const c = await client(await relay({ AUTH_REQUIRE: 'true' }));
    expect((await call(c, '/v1/x', [['Authorization', 'Bearer sk-test-key']])).status).toBe(200);
    expect(identityOf(cloud)).toEqual(NOBODY);
  });

  it('refuses a JWT that does not verify: 401 Invalid token, no detail', async () => {
    const c = await client(await relay());
    const other = await makeSigningKey('RS256', 'k1');
    const res = await call(c, '/v1/x', [['Authorization', `Bearer ${await signToken(other, aliceClaims())}`]]);
    expect([res.status, JSON.parse(res.body)]).toEqual([401, { error: 'unauthorized', message: 'Invalid token' }]);
  });

  it.each([
    ['Bearer', (t: string): Array<[string, string]> => [['Authorization', `Bearer ${t}`]]],
    ['Basic (password)', (t: string): Array<[string, string]> => [['Authorization', `Basic ${Buffer.from(`user:${t}`).toString('base64')}`]]],
    ['an IAM cookie', (t: string): Array<[string, string]> => [['Cookie', `theme=dark; hanzo_iam_token=${t}`]]],
  ])('stamps a valid JWT from %s: TenantID owner, UserID, IsAdmin, Permissions', async (_how, headers) => {
    const c = await client(await relay());
    const token = await signToken(key, aliceClaims({ owner: 'acme', isAdmin: true }));
    expect((await call(c, '/v1/x', headers(token))).status).toBe(200);
    expect(identityOf(cloud)).toEqual(['alice', 'acme', true, 4n]);
  });

  it('with AUTH_ENABLED=false lets everything through, identity still cleared', async () => {
    const c = await client(await relay({ AUTH_ENABLED: 'false', AUTH_REQUIRE: 'true' }));
    expect((await call(c, '/v1/x', [['Authorization', 'Bearer not-a-jwt']])).status).toBe(200);
    expect(identityOf(cloud)).toEqual(NOBODY);
  });
});

describe('relay routing and peers', () => {
  it('sends /v1/base/* to base and everything else to cloud; the answer comes back verbatim', async () => {
    const c = await client(await relay());
    const before = [cloud.forwards.length, basePeer.forwards.length];
    const b = await call(c, '/v1/base/x?q=1');
    const o = await call(c, '/v1/x');
    expect([cloud.forwards.length - before[0]!, basePeer.forwards.length - before[1]!]).toEqual([1, 1]);
    expect(basePeer.forwards.at(-1)!.path).toBe('/v1/base/x?q=1');
    expect(JSON.parse(b.body).url).toBe('/v1/base/x?q=1');
    expect(JSON.parse(o.body).url).toBe('/v1/x');
  });

  it('answers 502 with the reason when a peer cannot be reached', async () => {
    const c = await client(await relay({ BASE_ZAP_ADDR: '127.0.0.1:9' }));
    const res = await call(c, '/v1/base/x');
    expect(res.status).toBe(502);
    expect(JSON.parse(res.body)).toMatchObject({ error: 'peer_unreachable' });
    expect(JSON.parse(res.body).message).toContain('base at 127.0.0.1:9');
  });

  it('dials a dropped peer again (Go caches the peer and never redials)', async () => {
    const own = await startSpecPeer('cloud', service.url);
    const c = await client(await relay({ CLOUD_ZAP_ADDR: `127.0.0.1:${own.port}` }));
    expect((await call(c, '/v1/x')).status).toBe(200);
    const port = own.port;
    await own.close();
    const again = await startSpecPeer('cloud', service.url, port);
    try {
      // The first call may still meet the old, closing connection; the relay dials anew for the next.
      let status = (await call(c, '/v1/x')).status;
      if (status !== 200) status = (await call(c, '/v1/x')).status;
      expect(status).toBe(200);
      expect(again.forwards.length).toBeGreaterThan(0);
    } finally {
      await again.close();
    }
  });

  it('serves the probes: /healthz and /readyz on both listeners, /metrics on the health listener', async () => {
    const r = await relay();
    for (const port of [r.listenPort, r.healthPort]) {
      expect(JSON.parse((await request(`http://127.0.0.1:${port}/healthz`)).body)).toEqual({ status: 'ok', service: 'gateway' });
      expect(JSON.parse((await request(`http://127.0.0.1:${port}/readyz`)).body)).toEqual({ status: 'ready', service: 'gateway' });
    }
    const metrics = await request(`http://127.0.0.1:${r.healthPort}/metrics`);
    expect([metrics.status, metrics.headers['content-type'], metrics.body]).toEqual([200, 'text/plain; version=0.0.4', '# gateway up\n']);
    expect((await request(`http://127.0.0.1:${r.listenPort}/metrics`)).status).toBe(404);
  });
});

describe('relay streams and drain', () => {
  let gw: Awaited<ReturnType<typeof startRuntime>>;
  let sse: TestServer;
  let release: () => void = () => {};
  beforeAll(async () => {
    sse = await startServer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write('data: one\n\n');
      release = () => res.end('data: two\n\n');
    });
    // An hgw gateway as the cloud service: its node listener streams over Push.
    gw = await startRuntime(
      base([{ endpoint: '/v1/events', output_encoding: 'no-op', timeout: '60s', backend: [{ url_pattern: '/', host: [sse.url] }] }], {
        extra_config: { 'github.com/hanzoai/gateway/zap-listener': { node_id: 'cloud-gw' } },
      }),
      { env: { HGW_ZAP_NODE_LISTEN: '127.0.0.1:0' } },
    );
  });
  afterAll(async () => {
    await gw?.close();
    await sse?.close();
  });
  const gwZapPort = () => Number(gw.logs.join('').match(/node cloud-gw listening on [^:]*:(\d+)/)![1]);

  it('relays Push frames back under the caller\'s ConnID, the first before the service ends', async () => {
    const c = await client(await relay({ CLOUD_ZAP_ADDR: `127.0.0.1:${gwZapPort()}` }));
    const pushes: PushEnvelope[] = [];
    let first: () => void = () => {};
    const firstSeen = new Promise<void>((r) => (first = r));
    let ended: () => void = () => {};
    const end = new Promise<void>((r) => (ended = r));
    c.on('message', (m: Buffer) => {
      const p = receivedPush(m);
      if (p === undefined) return;
      pushes.push({ ...p, frame: Buffer.from(p.frame) });
      if (pushes.length === 1) first();
      if (p.encoding === 'end') ended();
    });
    const res = decodeForwardResponse(await c.call(forward('/v1/events', [], { connId: 'mine' }), 10_000));
    expect([res.status, res.headers.some(([k, v]) => k === 'Transfer-Encoding' && v === 'chunked')]).toEqual([200, true]);
    await firstSeen;
    expect([pushes[0]!.connId, pushes[0]!.encoding, pushes[0]!.frame.toString()]).toEqual(['mine', 'sse', 'data: one\n\n']);
    release();
    await end;
    expect(pushes.map((p) => p.frame.toString()).join('')).toBe('data: one\n\ndata: two\n\n');
  });

  it('drains: a call in flight finishes, a new one gets 503, then the relay closes', async () => {
    const r = await relay({ CLOUD_ZAP_ADDR: `127.0.0.1:${gwZapPort()}`, GATEWAY_SHUTDOWN_TIMEOUT: '30s' });
    const c = await client(r);
    const streaming = c.call(forward('/v1/events', [], { connId: 's1' }), 10_000);
    let endSeen: () => void = () => {};
    const ended = new Promise<void>((resolve) => (endSeen = resolve));
    c.on('message', (m: Buffer) => {
      if (receivedPush(m)?.encoding === 'end') endSeen();
    });
    await streaming;
    relays.splice(relays.indexOf(r), 1);
    let drained = false;
    const draining = r.drain().then(() => (drained = true));
    expect((await call(c, '/v1/x')).status).toBe(503);
    expect(drained).toBe(false);
    release();
    await ended;
    await draining;
    expect(drained).toBe(true);
    await expect(ZapConnection.dial('127.0.0.1', r.zapPort, 'late')).rejects.toThrow();
  });

  it('passes a caller\'s cancel on to the peer', async () => {
    let closed: () => void = () => {};
    const backendClosed = new Promise<void>((r) => (closed = r));
    const hold = await startServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write('data: tick\n\n');
      res.on('close', () => closed());
    });
    const gw2 = await startRuntime(
      base([{ endpoint: '/v1/hold', output_encoding: 'no-op', timeout: '60s', backend: [{ url_pattern: '/', host: [hold.url] }] }], {
        extra_config: { 'github.com/hanzoai/gateway/zap-listener': { node_id: 'cloud-hold' } },
      }),
      { env: { HGW_ZAP_NODE_LISTEN: '127.0.0.1:0' } },
    );
    try {
      const port = Number(gw2.logs.join('').match(/node cloud-hold listening on [^:]*:(\d+)/)![1]);
      const c2 = await client(await relay({ CLOUD_ZAP_ADDR: `127.0.0.1:${port}` }));
      await c2.call(forward('/v1/hold', [], { connId: 'h1' }), 10_000);
      await c2.send(encodePush({ connId: 'h1', frame: Buffer.alloc(0), encoding: 'cancel' }));
      await backendClosed;
    } finally {
      await gw2.close();
      await hold.close();
    }
  });

  it('tells the caller with an error Push when the peer goes away mid-stream', async () => {
    // A bare peer: answers a streamed Response, sends one frame, then drops the connection.
    const peer = createZapNodeServer('cloud', (conn) =>
      conn.setRequestHandler((m) => {
        const connId = decodeForward(m).connId;
        setImmediate(() => {
          void conn.send(encodePush({ connId, frame: Buffer.from('data: one\n\n'), encoding: 'sse' })).then(() => setImmediate(() => conn.close()));
        });
        return encodeForwardResponse({ status: 200, headers: [['Content-Type', 'text/event-stream'], ['Transfer-Encoding', 'chunked']], body: Buffer.alloc(0) });
      }),
    );
    await new Promise<void>((r) => peer.listen(0, '127.0.0.1', r));
    try {
      const c = await client(await relay({ CLOUD_ZAP_ADDR: `127.0.0.1:${(peer.address() as { port: number }).port}` }));
      const seen: PushEnvelope[] = [];
      let last: () => void = () => {};
      const ended = new Promise<void>((r) => (last = r));
      c.on('message', (m: Buffer) => {
        const p = receivedPush(m);
        if (p === undefined) return;
        seen.push({ ...p, frame: Buffer.from(p.frame) });
        if (p.encoding === 'error' || p.encoding === 'end') last();
      });
      expect(decodeForwardResponse(await c.call(forward('/v1/x', [], { connId: 'mine' }), 10_000)).status).toBe(200);
      await ended;
      expect(seen.map((p) => [p.connId, p.encoding])).toEqual([['mine', 'sse'], ['mine', 'error']]);
      expect(seen[1]!.frame.toString()).toContain('went away');
    } finally {
      await new Promise<void>((r) => peer.close(() => r()));
    }
  });
});
