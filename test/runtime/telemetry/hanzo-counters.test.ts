import { afterEach, describe, expect, it } from 'vitest';
import { base } from '../../helpers/check.js';
import { startRuntime } from '../../helpers/gateway.js';
import { parseExposition, samples } from '../../helpers/prometheus-text.js';
import { request } from '../../helpers/servers.js';
import { startLeader, startPod } from '../../helpers/fake-cluster.js';

/**
 * The Hanzo modules' counters reach a real Prometheus scrape: a base_ha
 * failover (writer 5xx, new leader, one retry) and a ZAP peer missing at
 * start-up, each read as the difference between two scrapes.
 */
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const PROMETHEUS = { 'telemetry/opentelemetry': { exporters: { prometheus: [{ name: 'p', port: 0 }] } } };

async function scraper(logs: string[]) {
  const port = /Prometheus \/metrics on [^:]+:(\d+)/.exec(logs.join(''))?.[1];
  if (!port) throw new Error(`no Prometheus listener:\n${logs.join('')}`);
  return async (name: string, labels: Record<string, string> = {}) => {
    const e = parseExposition((await request(`http://127.0.0.1:${port}/metrics`)).body);
    return samples(e, name, labels).reduce((n, s) => n + s.value, 0);
  };
}

describe('Hanzo event counters on /metrics', () => {
  it('counts a base_ha failover: one writer failure, one leader change, one retry, one pin', async () => {
    const leader = await startLeader();
    const pods = [await startPod('foo-0'), await startPod('foo-1')];
    const clusterIp = await startPod('cluster-ip');
    cleanups.push(() => leader.close(), ...pods.map((p) => () => p.close()), () => clusterIp.close());
    leader.set({ url: pods[0]!.url, node: 'foo-0', term: 1 });
    const ha = { service_dns: '127.0.0.1', port: leader.port, leader_poll_interval: '100ms', read_your_writes_ttl: '10s' };
    const gw = await startRuntime(
      base([{ endpoint: '/x', method: 'POST', output_encoding: 'no-op', input_headers: ['X-User-Id'], backend: [{ url_pattern: '/x', host: [clusterIp.url], extra_config: { 'github.com/hanzoai/gateway/base_ha': ha } }] }], { extra_config: PROMETHEUS }),
    );
    cleanups.push(() => gw.close());
    const read = await scraper(gw.logs);
    const names = ['gateway_base_ha_writer_failures_total', 'gateway_base_ha_leader_changes_total', 'gateway_base_ha_retries_total', 'gateway_base_ha_pins_total'];
    const before = await Promise.all(names.map((n) => read(n)));

    pods[0]!.respond = (_q, res) => {
      setTimeout(() => leader.set({ url: pods[1]!.url, node: 'foo-1', term: 2 }), 10);
      res.writeHead(503).end('overloaded');
    };
    const res = await request(`${gw.url}/x`, { method: 'POST', body: '{}', headers: { 'X-User-Id': 'u1' } });
    expect([res.status, res.body]).toEqual([200, '{"pod":"foo-1"}']);

    const after = await Promise.all(names.map((n) => read(n)));
    expect(after.map((v, i) => v - before[i]!)).toEqual([1, 1, 1, 1]);
    expect(await read('gateway_base_ha_leader_polls_total')).toBeGreaterThan(0);
  });

  it('counts a ZAP backend that falls back to HTTP because its peer is not there at start-up', async () => {
    const zap = { 'github.com/hanzoai/gateway/zap': { node_id: 'caller', peer_addr: '127.0.0.1:9', no_discovery: true } };
    const first = await startRuntime(base([{ endpoint: '/z', output_encoding: 'no-op', backend: [{ url_pattern: '/z', host: ['http://127.0.0.1:9'], extra_config: zap }] }], { extra_config: PROMETHEUS }));
    cleanups.push(() => first.close());
    const read = await scraper(first.logs);
    expect(await read('gateway_zap_fallbacks_total')).toBeGreaterThanOrEqual(1);
    expect(await read('gateway_zap_connections_total', { outcome: 'failed' })).toBeGreaterThanOrEqual(1);
  });
});
