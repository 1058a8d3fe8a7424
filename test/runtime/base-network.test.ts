import { afterEach, describe, expect, it } from 'vitest';
import { base } from '../helpers/check.js';
import { startRuntime } from '../helpers/gateway.js';
import { request, startServer, type TestServer } from '../helpers/servers.js';
import { startPod, type Pod } from '../helpers/fake-cluster.js';
import { crc32c } from '../../runtime/upstream/base-network/crc32c.js';
import { isWriteMethod, MembershipView, type Member } from '../../runtime/upstream/base-network/membership.js';
import { shardKeyReader } from '../../runtime/upstream/base-network/shard-key.js';

/** hanzo-core.md §3.7, plus fixed vectors computed with an independent implementation of the spec's algorithm. */
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const m = (id: string, shards: string[]): Member => ({ id, url: `http://${id}`, shards });

describe('CRC-32C and placement', () => {
  it('matches the CRC-32C check value and fixed vectors', () => {
    expect(crc32c('123456789')).toBe(0xe3069283);
    expect(crc32c('')).toBe(0);
    expect(crc32c('hello')).toBe(0x9a71bb4c);
    expect(crc32c('user-0|pod-1')).toBe(0x3b5f7240);
    expect(crc32c('é')).toBe(0x1bab8ddc);
  });

  const three = new MembershipView([m('pod-0', ['0000', 'ffff']), m('pod-1', ['5555', 'aaaa']), m('pod-2', ['3333', 'cccc'])]);

  it('owns keys on the ring as the Go gateway does (fixed vectors)', () => {
    expect(['user-0', 'user-8', 'user-99', 'user-14'].map((k) => three.ownerFor(k)?.id)).toEqual(['pod-2', 'pod-0', 'pod-1', 'pod-2']);
    // A shard starting with an advertised prefix goes to that member.
    expect(three.pick('ffff-x', 'POST')?.id).toBe('pod-0');
    expect(three.pick('5555abc', 'GET')?.id).toBe('pod-1');
  });

  it('writes go to the rendezvous winner and reads spread deterministically over the subset (fixed vectors)', () => {
    const view = new MembershipView([m('a', ['']), m('b', ['']), m('c', ['x'])]);
    const picks = Object.fromEntries(['k0', 'x0', 'x1', 'k4', 'x4', 'x5', 'x6', 'x7', 'x23'].map((k) => [k, `${view.pick(k, 'POST')?.id}${view.pick(k, 'GET')?.id}`]));
    expect(picks).toEqual({ k0: 'ab', x0: 'aa', x1: 'ca', k4: 'bb', x4: 'cc', x5: 'ba', x6: 'cb', x7: 'bc', x23: 'ac' });
  });

  it('is deterministic, and removing a member moves only its keys', () => {
    const keys = Array.from({ length: 500 }, (_, i) => `user-${i}`);
    const before = keys.map((k) => three.ownerFor(k)!.id);
    expect(keys.map((k) => three.ownerFor(k)!.id)).toEqual(before);
    const without = new MembershipView([m('pod-0', ['0000', 'ffff']), m('pod-2', ['3333', 'cccc'])]);
    let moved = 0;
    keys.forEach((k, i) => {
      const after = without.ownerFor(k)!.id;
      if (before[i] === 'pod-1') {
        moved++;
        expect(['pod-0', 'pod-2']).toContain(after);
      } else expect(after).toBe(before[i]);
    });
    expect(moved).toBeGreaterThan(0);
  });

  it('a single member without prefixes serves every shard; write methods are fixed', () => {
    expect(new MembershipView([m('only', [])]).subsetFor('any-shard').map((x) => x.id)).toEqual(['only']);
    expect(['POST', 'PUT', 'PATCH', 'DELETE', 'post'].map(isWriteMethod)).toEqual([true, true, true, true, true]);
    expect(['GET', 'HEAD', 'OPTIONS', ''].map(isWriteMethod)).toEqual([false, false, false, false]);
  });
});

describe('shard key sources', () => {
  const h = (o: Record<string, string>) => Object.entries(o).flat();
  it.each([
    ['jwt.sub', { 'X-User-Id': 'alice' }, 'alice'],
    ['jwt.owner', { 'X-Org-Id': 'hanzo' }, 'hanzo'],
    ['header:X-Shard', { 'X-Shard': 'abc' }, 'abc'],
    ['cookie:sid', { Cookie: 'sid=deadbeef; other=1' }, 'deadbeef'],
    ['jwt.sub', {}, ''],
    ['jwt.unknown_claim', { 'X-User-Id': 'alice' }, ''],
  ])('%s with %j → %j', (source, headers, want) => {
    expect(shardKeyReader(source)(h(headers))).toBe(want);
  });
});

async function membersServer(members: unknown): Promise<TestServer> {
  const s = await startServer((req, res) => {
    if (req.url === '/-/base/members') res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(members));
    else res.writeHead(404).end();
  });
  cleanups.push(() => s.close());
  return s;
}

async function gatewayFor(host: string, extra: Record<string, unknown> = {}) {
  const backend = {
    url_pattern: '/v1/rows',
    host: [host],
    extra_config: { 'github.com/hanzoai/gateway/base-network': { shard_key_source: 'jwt.sub', member_poll_interval_ms: 100, ...extra } },
  };
  const gw = await startRuntime(base(['GET', 'POST'].map((method) => ({ endpoint: '/v1/rows', method, output_encoding: 'no-op', input_headers: ['X-User-Id'], backend: [backend] }))));
  cleanups.push(() => gw.close());
  return gw;
}

describe('base-network routing (3 pods with disjoint prefixes)', () => {
  async function pods(): Promise<Pod[]> {
    const list = [await startPod('pod-0'), await startPod('pod-1'), await startPod('pod-2')];
    cleanups.push(...list.map((p) => () => p.close()));
    return list;
  }

  it('lands writes and reads of a user on the pod owning its prefix, with X-Base-Shard; 400 without a key', async () => {
    const [p0, p1, p2] = await pods();
    const members = await membersServer({ members: [p0!, p1!, p2!].map((p, i) => ({ id: p.name, url: p.url, shards: [String(i)] })) });
    const gw = await gatewayFor(members.url);
    for (const [user, pod] of [['0-user-a', p0!], ['1-user-b', p1!], ['2-user-c', p2!]] as const) {
      expect((await request(`${gw.url}/v1/rows`, { method: 'POST', body: '{}', headers: { 'x-user-id': user } })).body).toBe(`{"pod":"${pod.name}"}`);
      expect((await request(`${gw.url}/v1/rows`, { headers: { 'x-user-id': user } })).body).toBe(`{"pod":"${pod.name}"}`);
      expect(pod.calls.map((c) => `${c.method} ${c.headers['x-base-shard']}`)).toEqual([`POST ${user}`, `GET ${user}`]);
    }
    const missing = await request(`${gw.url}/v1/rows`);
    expect([missing.status, missing.body]).toEqual([400, '{"error":"shard_key_missing"}']);
    expect([p0!, p1!, p2!].map((p) => p.calls.length)).toEqual([2, 2, 2]);
  });

  it('follows a 307 once to the Location as an absolute URL, and answers a second 307 with redirect_loop', async () => {
    const [a, b] = await pods();
    a!.respond = (_q, res) => res.writeHead(307, { Location: `${b!.url}/v1/rows` }).end();
    const members = await membersServer({ members: [{ id: 'pod-0', url: a!.url, shards: [''] }] });
    const gw = await gatewayFor(members.url);
    const res = await request(`${gw.url}/v1/rows`, { method: 'POST', body: '{"x":1}', headers: { 'x-user-id': 'u' } });
    expect([res.status, res.body]).toEqual([200, '{"pod":"pod-1"}']);
    expect([a!.calls.length, b!.calls.length]).toEqual([1, 1]);
    expect(b!.calls[0]).toMatchObject({ method: 'POST', url: '/v1/rows', body: '{"x":1}' });
    b!.respond = (_q, res) => res.writeHead(307, { Location: `${a!.url}/v1/rows` }).end();
    const loop = await request(`${gw.url}/v1/rows`, { method: 'POST', body: '{}', headers: { 'x-user-id': 'u' } });
    expect([loop.status, loop.body]).toEqual([502, '{"error":"redirect_loop"}']);
  });

  it('accepts bare node ids (what Hanzo Base serves) through the member URL template', async () => {
    const p = await startPod('pod-x');
    cleanups.push(() => p.close());
    const members = await membersServer({ shardKey: 'user_id', members: ['node-7'], nodeID: 'node-7' });
    const gw = await gatewayFor(members.url, { member_url_template: `http://127.0.0.1:${p.port}/{id}` });
    const res = await request(`${gw.url}/v1/rows`, { headers: { 'x-user-id': 'anyone' } });
    expect(res.body).toBe('{"pod":"pod-x"}');
    expect(p.calls[0]!.url).toBe('/node-7/v1/rows');
  });

  it('answers 502 no_members while the membership is empty, and keeps the last view when polls fail', async () => {
    const empty = await membersServer({ members: [] });
    const gw = await gatewayFor(empty.url);
    const res = await request(`${gw.url}/v1/rows`, { headers: { 'x-user-id': 'u' } });
    expect([res.status, res.body]).toEqual([502, '{"error":"no_members"}']);

    const [p0] = await pods();
    let healthy = true;
    const flaky = await startServer((_q, res) => {
      if (healthy) res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ members: [{ id: 'pod-0', url: p0!.url }] }));
      else res.writeHead(500).end();
    });
    cleanups.push(() => flaky.close());
    const gw2 = await gatewayFor(flaky.url);
    healthy = false;
    await new Promise((r) => setTimeout(r, 250));
    expect((await request(`${gw2.url}/v1/rows`, { headers: { 'x-user-id': 'u' } })).body).toBe('{"pod":"pod-0"}');
  });
});
