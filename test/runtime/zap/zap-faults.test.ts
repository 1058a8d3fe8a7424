import { afterEach, describe, expect, it } from 'vitest';
import { base } from '../../helpers/check.js';
import { startRuntime } from '../../helpers/gateway.js';
import { request, startServer, type TestServer } from '../../helpers/servers.js';
import { createZapNodeServer } from '../../../runtime/zap/wire/zap-connection.js';
import { encodeForwardResponse } from '../../../runtime/zap/wire/forward-envelopes.js';

/** ZAP backends when the peer misbehaves: it dies mid-request, comes back, or is not there at start-up. */
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function backend(): Promise<TestServer> {
  const s = await startServer((req, res) => {
    if (req.url === '/slow') setTimeout(() => res.end('slow'), 2000).unref();
    else res.end(`served ${req.url}`);
  });
  cleanups.push(() => s.close());
  return s;
}

async function peer(be: TestServer, listen: string) {
  const gw = await startRuntime(
    base([{ endpoint: '/x', output_encoding: 'no-op', backend: [{ url_pattern: '/x', host: [be.url] }] }, { endpoint: '/slow', output_encoding: 'no-op', backend: [{ url_pattern: '/slow', host: [be.url] }] }], {
      extra_config: { 'github.com/hanzoai/gateway/zap-listener': { node_id: 'peer' } },
    }),
    { env: { HGW_ZAP_NODE_LISTEN: listen } },
  );
  const port = Number(gw.logs.join('').match(/node peer listening on [^:]*:(\d+)/)![1]);
  return { gw, port };
}

function caller(peerAddr: string, fallbackHost: string) {
  const zap = { 'github.com/hanzoai/gateway/zap': { node_id: 'caller', peer_addr: peerAddr, no_discovery: true, timeout_ms: 5000 } };
  return startRuntime(
    base([
      { endpoint: '/x', output_encoding: 'no-op', backend: [{ url_pattern: '/x', host: [fallbackHost], extra_config: zap }] },
      { endpoint: '/slow', output_encoding: 'no-op', backend: [{ url_pattern: '/slow', host: [fallbackHost], extra_config: zap }] },
    ]),
  );
}

describe('ZAP faults', () => {
  it('a peer that dies mid-request gives 502, and the next request reconnects to its successor', async () => {
    const be = await backend();
    // The first peer is a bare ZAP node that takes requests and never answers, then dies.
    const first = createZapNodeServer('peer', (conn) => conn.setRequestHandler(() => new Promise(() => {})));
    await new Promise<void>((r) => first.listen(0, '127.0.0.1', r));
    const port = (first.address() as { port: number }).port;
    const a = await caller(`127.0.0.1:${port}`, 'http://127.0.0.1:99');
    cleanups.push(() => a.close());
    const inFlight = request(`${a.url}/slow`);
    await new Promise((r) => setTimeout(r, 100));
    await new Promise<void>((r) => first.close(() => r()));
    const broken = await inFlight;
    expect(broken.status).toBe(502);
    expect(JSON.parse(broken.body)).toMatchObject({ error: 'zap_unavailable' });
    const second = await peer(be, `127.0.0.1:${port}`);
    cleanups.push(() => second.gw.close());
    expect((await request(`${a.url}/x`)).body).toBe('served /x');
  });

  it('serves over HTTP while the peer is down at start-up, says so once per peer, and moves back to ZAP when a background redial reaches it', async () => {
    const be = await backend();
    const plain = await startServer((req, res) => res.end(`plain http ${req.url}`));
    cleanups.push(() => plain.close());
    // A port nobody listens on yet; the peer takes it later (a deploy-order race).
    const probe = await startServer((_q, res) => res.end());
    const port = probe.port;
    await probe.close();
    const a = await caller(`127.0.0.1:${port}`, plain.url);
    cleanups.push(() => a.close());
    expect((await request(`${a.url}/x`)).body).toBe('plain http /x');
    await until(() => a.logs.some((l) => l.includes('unreachable at start-up')));
    const lines = a.logs.filter((l) => l.includes('unreachable at start-up'));
    // Two backends on one peer: one line that counts them, not one per backend.
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`\\[ZAP\\] 127\\.0\\.0\\.1:${port} unreachable at start-up \\(.*\\): 2 backend\\(s\\) served over HTTP \\(/x, /slow\\) until it answers; redialling in the background`));
    const up = await peer(be, `127.0.0.1:${port}`);
    cleanups.push(() => up.gw.close());
    await until(() => a.logs.some((l) => l.includes(`127.0.0.1:${port} answers now: 2 backend(s) moved back from HTTP to ZAP`)));
    expect((await request(`${a.url}/x`)).body).toBe('served /x');
  });

  it("does not take a peer's Content-Length on trust: the client gets the body the Response carried", async () => {
    const liar = createZapNodeServer('peer', (conn) =>
      conn.setRequestHandler(() => encodeForwardResponse({ status: 200, headers: [['Content-Length', '999'], ['X-From', 'liar']], body: Buffer.from('ok') })),
    );
    await new Promise<void>((r) => liar.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => liar.close(() => r())));
    const a = await caller(`127.0.0.1:${(liar.address() as { port: number }).port}`, 'http://127.0.0.1:99');
    cleanups.push(() => a.close());
    const res = await request(`${a.url}/x`);
    expect([res.status, res.body, res.headers['x-from']]).toEqual([200, 'ok', 'liar']);
  });
});

/** Polls for a state instead of sleeping a fixed time (the redial backs off from 1 s). */
async function until(ok: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the state');
    await new Promise((r) => setTimeout(r, 50));
  }
}
