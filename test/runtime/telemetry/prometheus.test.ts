import { afterEach, describe, expect, it } from 'vitest';
import { base } from '../../helpers/check.js';
import { startRuntime } from '../../helpers/gateway.js';
import { parseExposition, samples } from '../../helpers/prometheus-text.js';
import { request, startServer } from '../../helpers/servers.js';

/**
 * `exporters.prometheus` scraped after real traffic: the exposition must
 * parse strictly, label requests by route template (never the raw path),
 * carry the Hanzo event counters (here a rate-limit refusal and IAM
 * outcomes), the process and Node runtime metrics when asked, and bind
 * loopback unless `listen_ip` says otherwise.
 */
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function prometheus(exporter: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    extra_config: {
      'telemetry/opentelemetry': {
        service_name: 'gw-prom',
        exporters: { prometheus: [{ name: 'local', port: 0, ...exporter }] },
        ...extra,
      },
    },
  };
}

async function gateway(config: unknown, profile?: 'hanzo' | 'krakend') {
  const gw = await startRuntime(config, { profile, env: {} });
  cleanups.push(() => gw.close());
  const line = gw.logs.find((l) => l.includes('Prometheus /metrics on'));
  const where = /on (\S+):(\d+)/.exec(line ?? '');
  if (!where) throw new Error(`no Prometheus listener in the log:\n${gw.logs.join('')}`);
  return { ...gw, scrapeHost: where[1]!, scrapeUrl: `http://127.0.0.1:${where[2]}/metrics` };
}

describe('telemetry/opentelemetry exporters.prometheus', () => {
  it('serves /metrics with route-template labels, refusals and process/runtime metrics after real traffic', async () => {
    const backend = await startServer((_req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}'));
    cleanups.push(() => backend.close());
    const gw = await gateway(
      base(
        [
          { endpoint: '/users/{id}', backend: [{ host: [backend.url], url_pattern: '/u/{id}' }] },
          { endpoint: '/limited', extra_config: { 'qos/ratelimit/router': { max_rate: 1, every: '1m' } }, backend: [{ host: [backend.url], url_pattern: '/l' }] },
        ],
        prometheus({ process_metrics: true, go_metrics: true }),
      ),
      'hanzo',
    );
    expect(gw.scrapeHost).toBe('127.0.0.1'); // loopback unless listen_ip says otherwise, and the log says so
    expect(gw.logs.join('')).toContain('loopback by default: set listen_ip');
    for (const id of ['1', '2', '3']) expect((await request(`${gw.url}/users/${id}`)).status).toBe(200);
    expect((await request(`${gw.url}/limited`)).status).toBe(200);
    expect((await request(`${gw.url}/limited`)).status).toBe(429);

    const scrape = await request(gw.scrapeUrl);
    expect(scrape.status).toBe(200);
    expect(scrape.headers['content-type']).toMatch(/^text\/plain/);
    const e = parseExposition(scrape.body);

    const users = samples(e, 'http_server_request_duration_count', { http_route: '/users/{id}', http_request_method: 'GET', http_response_status_code: '200' });
    expect(users.map((s) => s.value)).toEqual([3]);
    expect(e.types.get('http_server_request_duration')).toBe('histogram');
    // Buckets in seconds (KrakenD's defaults), not OpenTelemetry's millisecond ones.
    const les = samples(e, 'http_server_request_duration_bucket', { http_route: '/users/{id}' }).map((s) => s.labels.le);
    expect(les.slice(0, 3)).toEqual(['0.01', '0.02', '0.05']);
    expect(les.at(-1)).toBe('+Inf');
    // No raw path ever becomes a label value.
    expect(e.samples.some((s) => Object.values(s.labels).some((v) => /^\/users\/\d/.test(v)))).toBe(false);
    expect(samples(e, 'http_server_request_duration_count', { http_route: '/limited', http_response_status_code: '429' }).map((s) => s.value)).toEqual([1]);

    expect(samples(e, 'gateway_ratelimit_refusals_total', { layer: 'router' })[0]?.value).toBeGreaterThanOrEqual(1);
    expect(e.types.get('gateway_ratelimit_refusals_total')).toBe('counter');
    // The hanzo profile's IAM gate saw five tokenless requests.
    expect(samples(e, 'gateway_iam_requests_total', { outcome: 'anonymous' })[0]?.value).toBeGreaterThanOrEqual(5);

    expect(samples(e, 'process_resident_memory_bytes')[0]?.value).toBeGreaterThan(1_000_000);
    expect(samples(e, 'process_cpu_seconds_total')[0]?.value).toBeGreaterThan(0);
    expect(samples(e, 'nodejs_heap_used_bytes')[0]?.value).toBeGreaterThan(0);
    expect(e.types.has('nodejs_eventloop_delay_p99_seconds')).toBe(true);
  });

  it('leaves out process and runtime metrics unless asked, and answers only /metrics', async () => {
    const gw = await gateway(base([{ endpoint: '/x', backend: [{ host: ['http://127.0.0.1:9'], url_pattern: '/' }] }], prometheus({ listen_ip: '127.0.0.1' })));
    expect(gw.logs.join('')).not.toContain('loopback by default');
    const e = parseExposition((await request(gw.scrapeUrl)).body);
    expect(e.types.has('process_resident_memory_bytes')).toBe(false);
    expect(e.types.has('nodejs_heap_used_bytes')).toBe(false);
    expect((await request(gw.scrapeUrl.replace('/metrics', '/other'))).status).toBe(404);
    expect((await request(gw.scrapeUrl, { method: 'POST' })).status).toBe(405);
  });

  it('global.disable_metrics drops the request histogram', async () => {
    const gw = await gateway(base([{ endpoint: '/x', backend: [{ host: ['http://127.0.0.1:9'], url_pattern: '/' }] }], prometheus({}, { layers: { global: { disable_metrics: true } } })));
    await request(`${gw.url}/x`);
    expect(parseExposition((await request(gw.scrapeUrl)).body).types.has('http_server_request_duration')).toBe(false);
  });
});
