import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base } from '../../helpers/check.js';
import { startRuntime } from '../../helpers/gateway.js';
import { request, startServer, type TestServer } from '../../helpers/servers.js';
import { startLeader, type Leader } from '../../helpers/fake-cluster.js';
import type { ProfileName } from '../../../runtime/plan/plan.js';

/**
 * Who decides what `X-Request-ID` a backend sees, for every backend kind
 * (HTTP, base_ha, base-network, ZAP with either envelope), against real
 * backends that record the lines they receive. Under the hanzo profile the
 * gateway owns the id: every backend gets it, whatever input_headers say —
 * the client's when plain, else a fresh one. Under krakend, KrakenD's
 * zero-trust rule: an endpoint that does not let X-Request-ID through sends
 * none, even with telemetry/logging assigning ids.
 */
let backend: TestServer;
let leader: Leader;
let members: TestServer;
/** The X-Request-ID lines of each request the backend received, in order. */
const seen: string[][] = [];
/** A second gateway serving the backend over ZAP; it passes X-Request-ID through as it arrives. */
let zapPeer: Awaited<ReturnType<typeof startRuntime>>;
let zapPeerPort = 0;

beforeAll(async () => {
  backend = await startServer((req, res) => {
    seen.push(req.rawHeaders.filter((_, i) => i % 2 === 1 && req.rawHeaders[i - 1]!.toLowerCase() === 'x-request-id'));
    res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
  });
  leader = await startLeader();
  leader.set({ url: backend.url, node: 'pod-0', term: 1 });
  members = await startServer((_q, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ members: [{ id: 'pod-0', url: backend.url }] })));
  zapPeer = await startRuntime(
    base(['GET', 'POST'].map((method) => ({ endpoint: '/id', method, output_encoding: 'no-op', input_headers: ['X-Request-ID'], backend: [{ url_pattern: '/id', host: [backend.url] }] })), {
      extra_config: { 'github.com/hanzoai/gateway/zap-listener': { node_id: 'peer' } },
    }),
    { env: { HGW_ZAP_NODE_LISTEN: '127.0.0.1:0' } },
  );
  zapPeerPort = Number(zapPeer.logs.join('').match(/node peer listening on [^:]*:(\d+)/)![1]);
});

afterAll(async () => {
  await zapPeer?.close();
  await Promise.all([backend?.close(), leader?.close(), members?.close()]);
});

const zap = (envelope: string) => ({ 'github.com/hanzoai/gateway/zap': { node_id: 'caller', peer_id: 'peer', peer_addr: `127.0.0.1:${zapPeerPort}`, no_discovery: true, timeout_ms: 5000, envelope } });
const KINDS: Record<string, () => Record<string, unknown>> = {
  http: () => ({}),
  base_ha: () => ({ 'github.com/hanzoai/gateway/base_ha': { service_dns: '127.0.0.1', port: leader.port, leader_poll_interval: '100ms' } }),
  'base-network': () => ({ 'github.com/hanzoai/gateway/base-network': { shard_key_source: 'header:X-Shard', member_poll_interval_ms: 200 } }),
  'zap (forward envelope)': () => zap('forward'),
  'zap (http envelope)': () => zap('http'),
};

/** GET and POST (base_ha sends writes to its leader): input_headers name only the shard key, at the endpoint and the backend. */
async function gatewayFor(kind: string, profile: ProfileName, logging: boolean) {
  const host = kind === 'base-network' ? members.url : backend.url;
  const endpoints = ['GET', 'POST'].map((method) => ({
    endpoint: '/id',
    method,
    output_encoding: 'no-op',
    input_headers: ['X-Shard'],
    backend: [{ url_pattern: '/id', host: [host], input_headers: ['X-Shard'], extra_config: KINDS[kind]!() }],
  }));
  const extra = logging ? { 'telemetry/logging': { level: 'ERROR' } } : {};
  return startRuntime(base(endpoints, { extra_config: extra }), { profile });
}

/** What the backend saw for one request through the gateway. */
async function idsSeen(url: string, method: string, id?: string): Promise<string[]> {
  const before = seen.length;
  const res = await request(`${url}/id`, { method, headers: { 'x-shard': 'tenant-1', ...(id === undefined ? {} : { 'x-request-id': id }) }, ...(method === 'POST' ? { body: '{}' } : {}) });
  expect(res.status).toBe(200);
  expect(seen.length).toBe(before + 1);
  return seen[before]!;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/;

for (const kind of Object.keys(KINDS)) {
  describe(`X-Request-ID to a ${kind} backend`, () => {
    let hanzo: Awaited<ReturnType<typeof startRuntime>>;
    let krakend: Awaited<ReturnType<typeof startRuntime>>;
    beforeAll(async () => {
      hanzo = await gatewayFor(kind, 'hanzo', false);
      krakend = await gatewayFor(kind, 'krakend', true);
    });
    afterAll(async () => {
      await hanzo?.close();
      await krakend?.close();
    });

    it.each(['GET', 'POST'])('hanzo, %s: the client\'s plain id reaches the backend, once, though input_headers leave it out', async (method) => {
      expect(await idsSeen(hanzo.url, method, 'trace-abc.123')).toEqual(['trace-abc.123']);
    });

    it.each(['GET', 'POST'])('hanzo, %s: an id that is not plain is replaced, and a missing one generated', async (method) => {
      const replaced = await idsSeen(hanzo.url, method, 'has space');
      const tooLong = await idsSeen(hanzo.url, method, 'x'.repeat(129));
      const generated = await idsSeen(hanzo.url, method);
      for (const ids of [replaced, tooLong, generated]) {
        expect(ids).toHaveLength(1);
        expect(ids[0]).toMatch(UUID);
      }
      expect(new Set([replaced[0], tooLong[0], generated[0]]).size).toBe(3);
    });

    it.each(['GET', 'POST'])('krakend, %s: input_headers decide, so no id is sent even with telemetry/logging on', async (method) => {
      expect(await idsSeen(krakend.url, method, 'trace-abc.123')).toEqual([]);
      expect(await idsSeen(krakend.url, method)).toEqual([]);
    });
  });
}

describe('X-Request-ID lines as the client wrote them (hanzo, HTTP backend)', () => {
  let gw: Awaited<ReturnType<typeof startRuntime>>;
  beforeAll(async () => {
    gw = await gatewayFor('http', 'hanzo', false);
  });
  afterAll(async () => {
    await gw?.close();
  });

  /** The ids the backend saw for raw request lines (name, value, …). */
  async function idsFor(lines: string[]): Promise<string[]> {
    const before = seen.length;
    expect((await request(`${gw.url}/id`, { headers: ['X-Shard', 'tenant-1', ...lines] })).status).toBe(200);
    return seen[before]!;
  }

  it('the name in any case is the same header', async () => {
    expect(await idsFor(['X-REQUEST-ID', 'Trace-9'])).toEqual(['Trace-9']);
  });

  it('two lines are not one plain id, though each is: the backend gets one fresh UUID', async () => {
    const ids = await idsFor(['X-Request-ID', 'first', 'x-request-id', 'second']);
    expect(ids).toHaveLength(1);
    expect(ids[0]).toMatch(UUID);
  });
});
