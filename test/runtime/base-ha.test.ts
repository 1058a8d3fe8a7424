import { afterEach, describe, expect, it } from 'vitest';
import { base } from '../helpers/check.js';
import { startRuntime } from '../helpers/gateway.js';
import { request } from '../helpers/servers.js';
import { startLeader, startPod, type Leader, type Pod } from '../helpers/fake-cluster.js';
import { clientPinKey } from '../../runtime/upstream/base-ha/client-pin-key.js';

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

async function gateway(c: Cluster, ha: Record<string, unknown> = {}) {
  const backend = {
    url_pattern: '/x',
    host: [c.clusterIp.url],
    extra_config: { 'github.com/hanzoai/gateway/base_ha': { service_dns: '127.0.0.1', port: c.leader.port, leader_poll_interval: '100ms', ...ha } },
  };
  const input = ['X-Org-Id', 'X-User-Id', 'X-Roles', 'X-Base-Writer', 'Content-Type'];
  const gw = await startRuntime(
    base(['GET', 'POST', 'PUT'].map((method) => ({ endpoint: '/x', method, output_encoding: 'no-op', input_headers: input, backend: [backend] }))),
  );
  cleanups.push(() => gw.close());
  return gw;
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
    const gw = await gateway(c, { read_your_writes_ttl: '500ms' });
    const who = { 'x-forwarded-for': '1.2.3.4', 'x-org-id': 'org-a' };
    await request(`${gw.url}/x`, { method: 'POST', headers: who, body: '{}' });
    await request(`${gw.url}/x`, { headers: who });
    expect([c.pods[0]!.calls.length, c.clusterIp.calls.length]).toEqual([2, 0]);
    // Another client is not pinned.
    await request(`${gw.url}/x`, { headers: { 'x-forwarded-for': '5.6.7.8', 'x-org-id': 'org-a' } });
    expect(c.clusterIp.calls).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 600));
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
    const gw = await gateway(c);
    c.pods[0]!.respond = (_q, res) => {
      setTimeout(() => c.leader.set({ url: c.pods[1]!.url, node: 'foo-1', term: 2 }), 10);
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
    await c.pods[0]!.close();
    c.leader.set({ status: 200, body: '{"leader_url":""}' }); // electing: polls fail, the dead writer stays cached
    const res = await request(`${gw.url}/x`, { method: 'POST', body: '{}' });
    expect(res.status).toBeGreaterThanOrEqual(500);
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
    // Poll every 200 ms: a state is stale after 400 ms, and the failover wait is 300 ms.
    const gw = await gateway(c, { leader_poll_interval: '200ms' });
    await c.pods[0]!.close();
    await c.leader.close();
    await new Promise((r) => setTimeout(r, 120)); // the last good poll is 120–320 ms old: still trusted; after the wait, over 400 ms
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

describe('failover transcript (3 pods, poll 100ms, no read-your-writes)', () => {
  it('moves writes to the new leader after one refused connection, and the client never sees a 307 or an error', async () => {
    const c = await cluster(3);
    const gw = await gateway(c, { read_your_writes_ttl: '0s' });
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
