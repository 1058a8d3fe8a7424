import { afterEach, describe, expect, it } from 'vitest';
import { base, planOf } from '../helpers/check.js';
import { startRuntime } from '../helpers/gateway.js';
import { request } from '../helpers/servers.js';
import { busyLoops } from '../helpers/processes.js';
import { startLeader, startPod, type Leader, type Pod } from '../helpers/fake-cluster.js';
import { clientPinKey } from '../../runtime/upstream/base-ha/client-pin-key.js';
import { baseHaUpstream } from '../../runtime/upstream/base-ha/base-ha-upstream.js';
import { UpstreamPools } from '../../runtime/upstream/http/pools.js';
import { createLogger } from '../../runtime/shared/log/logger.js';
import { BufferedCall, type BufferedResponse } from '../../runtime/core/buffered-call.js';

/** hanzo-core.md §2.5, against real servers: pods, a ClusterIP host and a leader endpoint the test flips. */
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

interface Cluster {
  leader: Leader;
  pods: Pod[];
  clusterIp: Pod;
}

async function cluster(n = 2): Promise<Cluster> {
  const leader = await startLeader();
  const pods: Pod[] = [];
  for (let i = 0; i < n; i++) pods.push(await startPod(`foo-${i}`));
  const clusterIp = await startPod('cluster-ip');
  cleanups.push(() => leader.close(), ...pods.map((p) => () => p.close()), () => clusterIp.close());
  leader.set({ url: pods[0]!.url, node: 'foo-0', term: 1 });
  return { leader, pods, clusterIp };
}

function config(c: Cluster, ha: Record<string, unknown> = {}) {
  const backend = {
    url_pattern: '/x',
    host: [c.clusterIp.url],
    extra_config: { 'github.com/hanzoai/gateway/base_ha': { service_dns: '127.0.0.1', port: c.leader.port, leader_poll_interval: '100ms', ...ha } },
  };
  const input = ['X-Org-Id', 'X-User-Id', 'X-Roles', 'X-Base-Writer', 'Content-Type'];
  return base(['GET', 'POST', 'PUT'].map((method) => ({ endpoint: '/x', method, output_encoding: 'no-op', input_headers: input, backend: [backend] })));
}

async function gateway(c: Cluster, ha: Record<string, unknown> = {}) {
  const gw = await startRuntime(config(c, ha));
  cleanups.push(() => gw.close());
  return gw;
}

/** Resolves once `ms` have passed since `from` (a Date.now() value); a late timer only waits longer. */
async function until(from: number, ms: number): Promise<void> {
  const left = from + ms - Date.now();
  if (left > 0) await new Promise((r) => setTimeout(r, left));
}

describe('base_ha routing', () => {
  it('sends writes to the leader and never to the read host', async () => {
    const c = await cluster();
    const gw = await gateway(c);
    const res = await request(`${gw.url}/x`, { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
    expect([res.status, res.body]).toEqual([200, '{"pod":"foo-0"}']);
    expect(c.pods[0]!.calls.map((x) => `${x.method} ${x.url} ${x.body}`)).toEqual(['POST /x {"a":1}']);
    expect(c.clusterIp.calls).toHaveLength(0);
  });

  it('sends reads to the enclosing host (the ClusterIP service)', async () => {
    const c = await cluster();
    const gw = await gateway(c);
    expect((await request(`${gw.url}/x`)).body).toBe('{"pod":"cluster-ip"}');
    expect([c.clusterIp.calls.length, c.pods[0]!.calls.length]).toEqual([1, 0]);
  });

  it('pins a client\'s reads to the writer for read_your_writes_ttl after its write', async () => {
    const c = await cluster();
    const ttl = 1500; // the reads right after the write land well inside it, even on a loaded machine
    const gw = await gateway(c, { read_your_writes_ttl: `${ttl}ms` });
    const who = { 'x-forwarded-for': '1.2.3.4', 'x-org-id': 'org-a' };
    await request(`${gw.url}/x`, { method: 'POST', headers: who, body: '{}' });
    const pinnedBy = Date.now(); // the pin was set before the answer came
    await request(`${gw.url}/x`, { headers: who });
    expect([c.pods[0]!.calls.length, c.clusterIp.calls.length]).toEqual([2, 0]);
    // Another client is not pinned.
    await request(`${gw.url}/x`, { headers: { 'x-forwarded-for': '5.6.7.8', 'x-org-id': 'org-a' } });
    expect(c.clusterIp.calls).toHaveLength(1);
    await until(pinnedBy, ttl + 50);
    await request(`${gw.url}/x`, { headers: who });
    expect(c.clusterIp.calls).toHaveLength(2);
  });

  it('routes a read with X-Base-Writer: required to the writer, and lets identity headers through unchanged', async () => {
    const c = await cluster();
    const gw = await gateway(c);
    await request(`${gw.url}/x`, { headers: { 'x-base-writer': 'Required', 'x-user-id': 'u-1', 'x-org-id': 'o-1', 'x-roles': 'admin,dev' } });
    expect(c.clusterIp.calls).toHaveLength(0);
    const h = c.pods[0]!.calls[0]!.headers;
    expect([h['x-user-id'], h['x-org-id'], h['x-roles']]).toEqual(['u-1', 'o-1', 'admin,dev']);
  });

  it('fails over once on a writer 5xx when the leader moves', async () => {
    const c = await cluster();
    const gw = await gateway(c, { leader_poll_interval: '500ms' }); // the forced poll has 750 ms to bring the new writer
    c.pods[0]!.respond = (_q, res) => {
      c.leader.set({ url: c.pods[1]!.url, node: 'foo-1', term: 2 }); // elected before the forced poll asks
      res.writeHead(503).end('overloaded');
    };
    const res = await request(`${gw.url}/x`, { method: 'POST', body: '{}' });
    expect([res.status, res.body]).toEqual([200, '{"pod":"foo-1"}']);
    expect([c.pods[0]!.calls.length, c.pods[1]!.calls.length]).toEqual([1, 1]);
  });

  it('does not storm: a writer that keeps failing sees exactly two calls and the client gets its 5xx', async () => {
    const c = await cluster();
    const gw = await gateway(c);
    c.pods[0]!.respond = (_q, res) => res.writeHead(503, { 'Content-Type': 'text/plain' }).end('still down');
    const res = await request(`${gw.url}/x`, { method: 'POST', body: '{}' });
    expect(res.status).toBeGreaterThanOrEqual(500);
    expect(res.body).toBe('still down');
    expect(c.pods[0]!.calls).toHaveLength(2);
  });

  it('fails secure when the lease expired and polls have gone stale: 503 no_writer', async () => {
    const c = await cluster();
    c.leader.set({ url: c.pods[0]!.url, node: 'foo-0', term: 1, leaseMs: -60_000 });
    const gw = await gateway(c);
    await c.leader.close(); // polls fail from now on; the last state ages
    cleanups.splice(cleanups.findIndex(() => true), 1);
    await new Promise((r) => setTimeout(r, 350));
    const res = await request(`${gw.url}/x`, { method: 'POST', body: '{}' });
    expect([res.status, res.body, res.headers['content-type']]).toEqual([503, '{"error":"no_writer"}', 'application/json']);
    expect(c.pods[0]!.calls).toHaveLength(0);
  });

  it('returns the retry failure (never a third try) when the writer dies and no new one is elected', async () => {
    const c = await cluster();
    const gw = await gateway(c);
    // The writer takes each request and drops the connection (a transport error, as a dying pod gives), so tries are counted.
    c.pods[0]!.respond = (req) => req.socket.destroy();
    c.leader.set({ status: 200, body: '{"leader_url":""}' }); // electing: polls fail, the dead writer stays cached
    const res = await request(`${gw.url}/x`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(500);
    expect(c.pods[0]!.calls.map((x) => `${x.method} ${x.url}`)).toEqual(['POST /x', 'POST /x']);
    expect(c.clusterIp.calls).toHaveLength(0);
  });

  it('hands a 307 from a pod to the client untouched (the Go client follows none) — but writes never meet one', async () => {
    const c = await cluster();
    const gw = await gateway(c);
    c.clusterIp.respond = (_q, res) => res.writeHead(307, { Location: '/elsewhere' }).end();
    const res = await request(`${gw.url}/x`);
    expect([res.status, res.headers.location]).toEqual([307, '/elsewhere']);
  });
});

describe('base_ha error answers', () => {
  it('503 writer_unreachable when the writer dies and, during the wait, the cached leader goes stale', async () => {
    const c = await cluster();
    c.leader.set({ url: c.pods[0]!.url, node: 'foo-0', term: 1, leaseMs: -60_000 }); // lease expired: trusted only while polls are fresh
    // With interval i a state is stale after 2i and the failover wait is 1.5i. Sent when the last good answer is i old,
    // the write finds the writer trusted (i < 2i) and, after the wait, stale (2.5i > 2i): i/2 of margin below, i above.
    const i = 800;
    const gw = await gateway(c, { leader_poll_interval: `${i}ms` });
    await c.pods[0]!.close();
    await c.leader.close();
    await until(c.leader.answeredAt, i);
    const res = await request(`${gw.url}/x`, { method: 'POST', body: '{}' });
    expect([res.status, res.body]).toEqual([503, '{"error":"writer_unreachable"}']);
  });

  it('502 base_ha_no_host for a read when the backend has no host', async () => {
    const c = await cluster();
    const backend = { url_pattern: '/x', host: [], extra_config: { 'github.com/hanzoai/gateway/base_ha': { service_dns: '127.0.0.1', port: c.leader.port, leader_poll_interval: '100ms' } } };
    const gw = await startRuntime({ version: 3, endpoints: [{ endpoint: '/x', output_encoding: 'no-op', backend: [backend] }] });
    cleanups.push(() => gw.close());
    const res = await request(`${gw.url}/x`);
    expect([res.status, res.body]).toEqual([502, '{"error":"base_ha_no_host"}']);
  });
});

describe('base_ha start-up (issue 21: a gateway is ready only once its writer is known)', () => {
  it('with a leader endpoint that answers in 250 ms (poll 100 ms), a write sent the moment /__health says 200 reaches the writer — 5 fresh gateways', async () => {
    for (let n = 0; n < 5; n++) {
      const c = await cluster();
      c.leader.delayMs = 250;
      const gw = await gateway(c);
      let health = await request(`${gw.url}/__health`);
      while (health.status !== 200) health = await request(`${gw.url}/__health`);
      const res = await request(`${gw.url}/x`, { method: 'POST', body: `{"n":${n}}` });
      expect([n, res.status, res.body]).toEqual([n, 200, '{"pod":"foo-0"}']);
      expect(c.pods[0]!.calls.map((x) => x.body)).toEqual([`{"n":${n}}`]);
      while (cleanups.length) await cleanups.pop()!();
    }
  });

  it('starts beside two busy loops (child processes spinning) and its first write succeeds', async () => {
    const load = busyLoops(2);
    cleanups.push(() => load.stop());
    const c = await cluster();
    const gw = await gateway(c);
    const res = await request(`${gw.url}/x`, { method: 'POST', body: '{"first":true}' });
    expect([res.status, res.body]).toEqual([200, '{"pod":"foo-0"}']);
    expect(c.pods[0]!.calls.map((x) => x.body)).toEqual(['{"first":true}']);
  });

  it('a write dispatched before the first poll has returned waits for it instead of answering 503 no_writer', async () => {
    const c = await cluster();
    c.leader.delayMs = 250;
    const pools = new UpstreamPools({ idleConnectionTimeoutMs: 0, responseHeaderTimeoutMs: 0, dialerTimeoutMs: 0, dialerKeepAliveMs: 0 } as never);
    const deps = { pools, hostMap: {}, log: createLogger({ level: 'ERROR', write: () => {} }), disableCompression: true };
    const upstream = baseHaUpstream(planOf(config(c)).endpoints.find((e) => e.method === 'POST')!.backends[0]!, deps);
    cleanups.push(() => pools.close(), () => upstream.close());
    const answer = new Promise<{ err: Error | null; res: BufferedResponse | null }>((resolve) =>
      upstream.dispatch({ method: 'POST', path: '/x', headers: [], body: Buffer.from('{}') }, new BufferedCall(0, (err, res) => resolve({ err, res }))),
    );
    expect(c.leader.answeredAt).toBe(0); // the leader has not answered yet
    const { err, res } = await answer;
    expect([err, res?.status, res?.body.toString()]).toEqual([null, 200, '{"pod":"foo-0"}']);
  });

  it('a leader endpoint slower than the poll interval still names the writer (a poll is not cut off at the interval)', async () => {
    const c = await cluster();
    c.leader.delayMs = 250;
    const gw = await gateway(c); // polls every 100 ms, each answered in 250 ms
    c.leader.set({ url: c.pods[1]!.url, node: 'foo-1', term: 2 });
    // Polled for: writes reach foo-0 until a later poll brings the new leader; cut off at 100 ms, none ever would.
    let body = '';
    for (let k = 0; k < 100 && body !== '{"pod":"foo-1"}'; k++) {
      body = (await request(`${gw.url}/x`, { method: 'POST', body: '{}' })).body;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(body).toBe('{"pod":"foo-1"}');
  });

  it('a control plane that refuses does not hold start-up: the first poll fails for good, /__health says 200, writes get 503 no_writer', async () => {
    const c = await cluster();
    await c.leader.close();
    cleanups.splice(0, 1); // closed already
    const gw = await gateway(c);
    expect((await request(`${gw.url}/__health`)).status).toBe(200);
    const res = await request(`${gw.url}/x`, { method: 'POST', body: '{}' });
    expect([res.status, res.body]).toEqual([503, '{"error":"no_writer"}']);
    expect(c.pods[0]!.calls).toHaveLength(0);
  });
});

describe('failover transcript (3 pods, poll 500ms, no read-your-writes)', () => {
  it('moves writes to the new leader after one refused connection, and the client never sees a 307 or an error', async () => {
    const c = await cluster(3);
    // The forced poll after the refused write has 1.5 intervals (750 ms) to bring the new writer, a loaded machine included.
    const gw = await gateway(c, { read_your_writes_ttl: '0s', leader_poll_interval: '500ms' });
    expect((await request(`${gw.url}/x`, { method: 'POST', body: '1' })).body).toBe('{"pod":"foo-0"}');
    expect((await request(`${gw.url}/x`)).body).toBe('{"pod":"cluster-ip"}');
    await c.pods[0]!.close();
    c.leader.set({ url: c.pods[1]!.url, node: 'foo-1', term: 2 });
    const third = await request(`${gw.url}/x`, { method: 'POST', body: '3' });
    expect([third.status, third.body]).toEqual([200, '{"pod":"foo-1"}']);
    expect(c.pods[1]!.calls).toHaveLength(1);
    const fourth = await request(`${gw.url}/x`, { method: 'POST', body: '4' });
    expect([fourth.status, fourth.body]).toEqual([200, '{"pod":"foo-1"}']);
    expect(c.pods[1]!.calls).toHaveLength(2);
  });
});

describe('read-your-writes pin key', () => {
  it('is IP|org|user, takes the first X-Forwarded-For entry, and needs an IP or a user', () => {
    const key = (h: Record<string, string>) => clientPinKey(Object.entries(h).flat());
    expect(key({ 'X-Forwarded-For': '1.2.3.4', 'X-Org-Id': 'a' })).toBe(key({ 'X-Forwarded-For': '1.2.3.4, 10.0.0.1', 'X-Org-Id': 'a' }));
    expect(key({ 'X-Forwarded-For': '1.2.3.4', 'X-Org-Id': 'a' })).not.toBe(key({ 'X-Forwarded-For': '1.2.3.5', 'X-Org-Id': 'a' }));
    expect(key({ 'X-Forwarded-For': '1.2.3.4', 'X-Org-Id': 'a' })).not.toBe(key({ 'X-Forwarded-For': '1.2.3.4', 'X-Org-Id': 'b' }));
    expect(key({ 'X-Org-Id': 'a' })).toBe('');
    expect(key({ 'X-User-Id': 'u' })).toBe('||u');
  });
});
