import { afterEach, describe, expect, it } from 'vitest';
import { createSocket } from 'node:dgram';
import { getServers, setServers } from 'node:dns';
import { decode, encode, type Answer } from 'dns-packet';
import { base } from '../helpers/check.js';
import { startRuntime } from '../helpers/gateway.js';
import { request, startServer, type TestServer } from '../helpers/servers.js';
import { srvUrls } from '../../runtime/upstream/http/srv-targets.js';

/**
 * `sd: dns` against a real DNS server on 127.0.0.1 (UDP, answering SRV
 * queries from a table the test edits): backends found by SRV, the lowest
 * priority only, weights followed, the answer kept for dns_cache_ttl and
 * refreshed after it, and a clear error when the name does not resolve.
 */
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function dnsServer(records: Map<string, Answer[]>): Promise<{ port: number; queries: () => number }> {
  let queries = 0;
  const socket = createSocket('udp4');
  socket.on('message', (msg, rinfo) => {
    const q = decode(msg);
    const question = q.questions?.[0];
    if (!question) return;
    queries++;
    const answers = question.type === 'SRV' ? (records.get(question.name) ?? []) : [];
    const reply = encode({ id: q.id, type: 'response', flags: answers.length > 0 ? 0 : 3 /* NXDOMAIN */, questions: q.questions, answers });
    socket.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  const previous = getServers();
  setServers([`127.0.0.1:${socket.address().port}`]);
  cleanups.push(() => {
    setServers(previous);
    socket.close();
  });
  return { port: socket.address().port, queries: () => queries };
}

const srv = (name: string, port: number, priority = 10, weight = 1): Answer => ({ type: 'SRV', name: '_api._tcp.svc.test', ttl: 30, data: { priority, weight, port, target: name } });

async function named(name: string): Promise<TestServer> {
  const s = await startServer((_req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ from: name })));
  cleanups.push(() => s.close());
  return s;
}

describe('sd: dns', () => {
  it('sends calls to the lowest-priority SRV targets by weight, and follows a changed answer after dns_cache_ttl', async () => {
    const a = await named('a');
    const b = await named('b');
    const c = await named('c');
    const records = new Map<string, Answer[]>([['_api._tcp.svc.test', [srv('127.0.0.1', a.port, 10, 3), srv('localhost', b.port, 10, 1), srv('127.0.0.1', c.port, 20, 50)]]]);
    const dns = await dnsServer(records);
    const gw = await startRuntime(
      base([{ endpoint: '/x', backend: [{ url_pattern: '/x', host: ['_api._tcp.svc.test'], sd: 'dns', disable_host_sanitize: true }] }], { dns_cache_ttl: '1s' }),
    );
    cleanups.push(() => gw.close());
    const seen: Record<string, number> = {};
    const started = Date.now();
    for (let i = 0; i < 200; i++) {
      const from = (JSON.parse((await request(`${gw.url}/x`)).body) as { from: string }).from;
      seen[from] = (seen[from] ?? 0) + 1;
    }
    // Priority 20 (c) is never used; a:b follows 3:1.
    expect(seen.c).toBeUndefined();
    expect(seen.a! / 200).toBeGreaterThan(0.6);
    expect(seen.b! / 200).toBeGreaterThan(0.1);
    // Cached, not looked up per call: at most one lookup per dns_cache_ttl (1 s) that went by, plus the first.
    expect(dns.queries()).toBeLessThanOrEqual(Math.ceil((Date.now() - started) / 1000) + 1);

    records.set('_api._tcp.svc.test', [srv('127.0.0.1', c.port, 1, 1)]);
    await new Promise((r) => setTimeout(r, 1200));
    // The stale answer serves the next calls while the refresh runs; then the new target takes over.
    const deadline = Date.now() + 5000;
    let from = '';
    while (from !== 'c' && Date.now() < deadline) from = (JSON.parse((await request(`${gw.url}/x`)).body) as { from: string }).from;
    expect(from).toBe('c');
  });

  it('fails calls with the lookup\'s error when the name does not resolve', async () => {
    await dnsServer(new Map());
    const gw = await startRuntime(
      base([{ endpoint: '/x', backend: [{ url_pattern: '/x', host: ['_none._tcp.svc.test'], sd: 'dns', disable_host_sanitize: true }] }], { extra_config: { router: { return_error_msg: true } } }),
    );
    cleanups.push(() => gw.close());
    const res = await request(`${gw.url}/x`);
    expect(res.status).toBe(500);
    expect(res.body).toMatch(/lookup _none\._tcp\.svc\.test on SRV: ENOTFOUND/);
  });

  it('repeats targets by weight divided by the weights\' greatest common divisor', () => {
    const records = [
      { name: 'a.test.', port: 80, priority: 5, weight: 20 },
      { name: 'b.test', port: 81, priority: 5, weight: 10 },
      { name: 'c.test', port: 82, priority: 9, weight: 100 },
    ];
    expect(srvUrls(records, 'https')).toEqual(['https://a.test:80', 'https://a.test:80', 'https://b.test:81']);
    expect(srvUrls([], 'http')).toEqual([]);
  });
});
