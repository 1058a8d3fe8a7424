import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { base } from '../helpers/check.js';
import { runHgw } from '../helpers/cli.js';
import { request } from '../helpers/servers.js';
import { startLeader, startPod, type Leader, type Pod } from '../helpers/fake-cluster.js';
import { LISTENING, spawnWatched, type Spawned } from '../helpers/processes.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';

/**
 * Beyond the Go gateway: read-your-writes pins shared by two gateway
 * processes through one real Redis, and requests that keep working when
 * Redis goes away.
 */
let redis: TestRedis;
let leader: Leader;
let writer: Pod;
let clusterIp: Pod;
let dir: string;
const gateways: Spawned[] = [];
const urls: string[] = [];
const who = { 'x-forwarded-for': '1.2.3.4', 'x-org-id': 'org-a' };

beforeAll(async () => {
  redis = await startRedis();
  leader = await startLeader();
  writer = await startPod('foo-0');
  clusterIp = await startPod('cluster-ip');
  leader.set({ url: writer.url, node: 'foo-0', term: 1 });
  dir = mkdtempSync(join(tmpdir(), 'hgw-ryw-'));
  const ha = { service_dns: '127.0.0.1', port: leader.port, leader_poll_interval: '100ms', read_your_writes_ttl: '1s', read_your_writes_store: redis.url };
  const backend = { url_pattern: '/x', host: [clusterIp.url], extra_config: { 'github.com/hanzoai/gateway/base_ha': ha } };
  const config = base(['GET', 'POST'].map((method) => ({ endpoint: '/x', method, output_encoding: 'no-op', input_headers: ['X-Org-Id'], backend: [backend] })));
  writeFileSync(join(dir, 'gateway.json'), JSON.stringify(config));
  const built = runHgw(['build', join(dir, 'gateway.json'), '--out', join(dir, 'dist')]);
  expect(built.code, built.stderr).toBe(0);
  for (let i = 0; i < 2; i++) {
    const gw = spawnWatched(process.execPath, [join(dir, 'dist', 'gateway.mjs'), '-p', '0'], { PATH: process.env.PATH });
    gateways.push(gw);
    urls.push(`http://127.0.0.1:${(await gw.waitFor(LISTENING))[1]}`);
  }
});

afterAll(async () => {
  for (const gw of gateways) gw.child.kill('SIGKILL');
  await Promise.all([leader?.close(), writer?.close(), clusterIp?.close(), redis?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

describe('read-your-writes across gateway replicas (Redis)', () => {
  it('a read through gateway B after a write through gateway A goes to the writer within the TTL, and to the replica after', async () => {
    const [a, b] = urls as [string, string];
    expect((await request(`${a}/x`, { method: 'POST', body: '{}', headers: who })).body).toBe('{"pod":"foo-0"}');
    expect((await request(`${b}/x`, { headers: who })).body).toBe('{"pod":"foo-0"}');
    // Someone else reading through B is not pinned.
    expect((await request(`${b}/x`, { headers: { 'x-forwarded-for': '9.9.9.9', 'x-org-id': 'org-a' } })).body).toBe('{"pod":"cluster-ip"}');
    await new Promise((r) => setTimeout(r, 1100));
    expect((await request(`${b}/x`, { headers: who })).body).toBe('{"pod":"cluster-ip"}');
  });

  it('keeps serving when Redis stops: pins fall back to each gateway\'s own, and the log says so', async () => {
    const [a, b] = urls as [string, string];
    await redis.stop();
    const write = await request(`${a}/x`, { method: 'POST', body: '{}', headers: who });
    expect([write.status, write.body]).toEqual([200, '{"pod":"foo-0"}']);
    // Gateway A still pins locally.
    expect((await request(`${a}/x`, { headers: who })).body).toBe('{"pod":"foo-0"}');
    const read = await request(`${b}/x`, { headers: who });
    expect(read.status).toBe(200);
    await gateways[0]!.waitFor(/read-your-writes store unreachable/);
  });
});
