import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request as httpRequest } from 'node:http';
import { base } from '../helpers/check.js';
import { startRuntime } from '../helpers/gateway.js';
import { headerLines, request, startServer, type TestServer } from '../helpers/servers.js';
import { startLeader, type Leader } from '../helpers/fake-cluster.js';

/**
 * The shared upstream conformance suite (design.md §3): every upstream kind
 * must relay status and repeated Set-Cookie, stream bodies, cancel the backend
 * call when the client leaves, and honour the endpoint timeout — for reads and
 * for writes (which take base_ha's writer path).
 */
let backend: TestServer;
let leader: Leader;
let members: TestServer;
/** For the zap kind: a second gateway serving the backend over ZAP. */
let zapPeer: Awaited<ReturnType<typeof startRuntime>>;
let zapPeerPort = 0;
let backendClosed: () => void = () => {};
let releaseStream: () => void = () => {};

beforeAll(async () => {
  backend = await startServer((req, res) => {
    const path = req.url ?? '';
    if (path.startsWith('/status')) {
      res.writeHead(201, [['Content-Type', 'text/plain'], ['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2']].flat());
      res.end(`created by ${req.method}`);
    } else if (path.startsWith('/stream')) {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write('data: one\n\n');
      releaseStream = () => res.end('data: two\n\n');
    } else if (path.startsWith('/hold')) {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write('data: tick\n\n');
      res.on('close', () => backendClosed());
    } // /hang: never answers
  });
  leader = await startLeader();
  leader.set({ url: backend.url, node: 'pod-0', term: 1 });
  members = await startServer((_q, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ members: [{ id: 'pod-0', url: backend.url }] })));
  zapPeer = await startRuntime(
    base(
      // A long timeout on the peer: only a cancellation from the caller can end its /hold call.
      ['/status', '/stream', '/hold', '/hang'].flatMap((path) => ['GET', 'POST'].map((method) => ({ endpoint: path, method, timeout: '60s', output_encoding: 'no-op', backend: [{ url_pattern: path, host: [backend.url] }] }))),
      { extra_config: { 'github.com/hanzoai/gateway/zap-listener': { node_id: 'peer' } } },
    ),
    { env: { HGW_ZAP_NODE_LISTEN: '127.0.0.1:0' } },
  );
  zapPeerPort = Number(zapPeer.logs.join('').match(/node peer listening on [^:]*:(\d+)/)![1]);
});

afterAll(async () => {
  await zapPeer?.close();
  await Promise.all([backend.close(), leader.close(), members.close()]);
});

const KINDS: Record<string, () => Record<string, unknown>> = {
  http: () => ({}),
  base_ha: () => ({ 'github.com/hanzoai/gateway/base_ha': { service_dns: '127.0.0.1', port: leader.port, leader_poll_interval: '100ms' } }),
  'base-network': () => ({ 'github.com/hanzoai/gateway/base-network': { shard_key_source: 'header:X-Shard', member_poll_interval_ms: 200 } }),
  zap: () => ({ 'github.com/hanzoai/gateway/zap': { node_id: 'caller', peer_id: 'peer', peer_addr: `127.0.0.1:${zapPeerPort}`, no_discovery: true, timeout_ms: 5000 } }),
  'zap (envelope http)': () => ({ 'github.com/hanzoai/gateway/zap': { node_id: 'caller', peer_id: 'peer', peer_addr: `127.0.0.1:${zapPeerPort}`, no_discovery: true, timeout_ms: 5000, envelope: 'http' } }),
};

/**
 * With the default Forward envelope a ZAP answer streams as Push frames and a
 * client that leaves cancels the peer's call. hgw's type-200/201 messages
 * carry one whole answer and cannot be withdrawn: those two checks do not
 * apply to them.
 */
const BUFFERED = new Set(['zap (envelope http)']);

for (const [kind, extra] of Object.entries(KINDS)) {
  describe(`upstream ${kind}`, () => {
    let gw: Awaited<ReturnType<typeof startRuntime>>;
    beforeAll(async () => {
      const host = kind === 'base-network' ? members.url : backend.url;
      const endpoints = ['/status', '/stream', '/hold', '/hang'].flatMap((path) =>
        ['GET', 'POST'].map((method) => ({
          endpoint: path,
          method,
          timeout: '300ms',
          output_encoding: 'no-op',
          input_headers: ['X-Shard'],
          backend: [{ url_pattern: path, host: [host], extra_config: extra() }],
        })),
      );
      gw = await startRuntime(base(endpoints, { extra_config: { router: { return_error_msg: true } } }));
    });
    afterAll(() => gw.close());
    const shard = { 'x-shard': 'tenant-1' };

    it.each(['GET', 'POST'])('%s: relays status, body and repeated Set-Cookie', async (method) => {
      const res = await request(`${gw.url}/status`, { method, headers: shard, ...(method === 'POST' ? { body: 'x' } : {}) });
      expect([res.status, res.body]).toEqual([201, `created by ${method}`]);
      expect(headerLines(res.rawHeaders, 'set-cookie')).toEqual(['a=1', 'b=2']);
    });

    it.skipIf(BUFFERED.has(kind))('streams: the first event arrives while the backend is still writing', async () => {
      const first = await new Promise<string>((resolve, reject) => {
        const req = httpRequest(`${gw.url}/stream`, { headers: shard }, (res) => res.once('data', (c: Buffer) => resolve(c.toString())));
        req.on('error', reject);
        req.end();
      });
      expect(first).toBe('data: one\n\n');
      releaseStream();
    });

    it.skipIf(BUFFERED.has(kind))('cancels the backend call when the client goes away', async () => {
      const closed = new Promise<void>((r) => (backendClosed = r));
      await new Promise<void>((resolve) => {
        const req = httpRequest(`${gw.url}/hold`, { headers: shard }, (res) =>
          res.once('data', () => {
            req.destroy();
            resolve();
          }),
        );
        req.end();
      });
      await closed;
    });

    it.each(['GET', 'POST'])('%s: a backend that hangs meets the endpoint timeout (500)', async (method) => {
      const res = await request(`${gw.url}/hang`, { method, headers: shard, ...(method === 'POST' ? { body: 'x' } : {}) });
      expect([res.status, res.body]).toEqual([500, 'context deadline exceeded']);
    });
  });
}
