import { afterEach, describe, expect, it } from 'vitest';
import { Server as GrpcServer, ServerCredentials, type ServiceDefinition, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { base } from '../helpers/check.js';
import { startRuntime } from '../helpers/gateway.js';
import { request, startServer, type TestServer } from '../helpers/servers.js';

/**
 * `telemetry/opentelemetry` against real collectors on 127.0.0.1: an
 * OTLP/HTTP one decoding the JSON it receives, and an OTLP/gRPC one (the
 * production config's kind) built on grpc-js. Spans must nest (server span
 * → client span per backend call), continue a client's trace, reach the
 * backend as `traceparent`, follow the sample rate and skip_paths; metrics
 * must carry the route and status.
 */
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Array<{ key: string; value: Record<string, unknown> }>;
}

/** An OTLP/HTTP collector: JSON bodies from /v1/traces and /v1/metrics. */
async function httpCollector(): Promise<TestServer & { spans: () => OtlpSpan[]; metricNames: () => string[]; metricsBodies: unknown[] }> {
  const traces: unknown[] = [];
  const metricsBodies: unknown[] = [];
  const s = await startServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as unknown;
      (req.url === '/v1/traces' ? traces : metricsBodies).push(body);
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  cleanups.push(() => s.close());
  const spans = () =>
    traces.flatMap((t) => (t as { resourceSpans: Array<{ scopeSpans: Array<{ spans: OtlpSpan[] }> }> }).resourceSpans.flatMap((r) => r.scopeSpans.flatMap((x) => x.spans)));
  const metricNames = () =>
    metricsBodies.flatMap((m) => (m as { resourceMetrics: Array<{ scopeMetrics: Array<{ metrics: Array<{ name: string }> }> }> }).resourceMetrics.flatMap((r) => r.scopeMetrics.flatMap((x) => x.metrics.map((y) => y.name))));
  return Object.assign(s, { spans, metricNames, metricsBodies });
}

/** A backend that answers with the traceparent it received. */
async function tracedBackend(): Promise<TestServer & { seen: Array<string | undefined> }> {
  const seen: Array<string | undefined> = [];
  const s = await startServer((req, res) => {
    seen.push(req.headers.traceparent as string | undefined);
    res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
  });
  cleanups.push(() => s.close());
  return Object.assign(s, { seen });
}

function otel(port: number, extra: Record<string, unknown> = {}, exporter: Record<string, unknown> = { use_http: true }) {
  return {
    'telemetry/opentelemetry': {
      service_name: 'gw-test',
      service_version: '9.9.9',
      trace_sample_rate: 1,
      metric_reporting_period: 1,
      exporters: { otlp: [{ name: 'test', host: '127.0.0.1', port, ...exporter }] },
      ...extra,
    },
  };
}

const attr = (s: OtlpSpan, key: string) => {
  const v = s.attributes.find((a) => a.key === key)?.value;
  return v ? (v.stringValue ?? v.intValue ?? v.doubleValue) : undefined;
};

describe('telemetry/opentelemetry over OTLP/HTTP', () => {
  it('exports a server span per request with a client span per backend call under it, and sends the backend that context', async () => {
    const collector = await httpCollector();
    const be = await tracedBackend();
    const gw = await startRuntime(base([{ endpoint: '/things/{id}', backend: [{ url_pattern: '/t/{id}', host: [be.url], group: 'a' }, { url_pattern: '/u/{id}', host: [be.url], group: 'b' }] }], { extra_config: otel(collector.port) }));
    // A client that is itself traced: its trace id must continue.
    const clientTrace = '0af7651916cd43dd8448eb211c80319c';
    const res = await request(`${gw.url}/things/7`, { headers: { traceparent: `00-${clientTrace}-b7ad6b7169203331-01` } });
    expect(res.status).toBe(200);
    await gw.close();

    const spans = collector.spans();
    const server = spans.find((s) => s.name === 'GET /things/{id}')!;
    expect(server).toBeDefined();
    expect(server.kind).toBe(2); // SERVER
    expect(server.traceId).toBe(clientTrace);
    expect(server.parentSpanId).toBe('b7ad6b7169203331');
    expect(attr(server, 'http.route')).toBe('/things/{id}');
    expect(Number(attr(server, 'http.response.status_code'))).toBe(200);
    const clients = spans.filter((s) => s.kind === 3);
    expect(clients).toHaveLength(2);
    for (const c of clients) {
      expect(c.parentSpanId).toBe(server.spanId);
      expect(c.traceId).toBe(clientTrace);
      expect(Number(attr(c, 'server.port'))).toBe(be.port);
    }
    // Each backend saw its own client span as parent.
    expect(be.seen.map((t) => t!.split('-')[2]).sort()).toEqual(clients.map((c) => c.spanId).sort());
    expect(be.seen.every((t) => t!.startsWith(`00-${clientTrace}-`))).toBe(true);
    expect(collector.metricNames()).toEqual(expect.arrayContaining(['http.server.request.duration', 'http.client.request.duration']));
    expect(JSON.stringify(collector.metricsBodies)).toContain('"gw-test"');
  });

  it('keeps only the sampled share of new traces, still follows a sampled client, and skips skip_paths', async () => {
    const collector = await httpCollector();
    const be = await tracedBackend();
    const gw = await startRuntime(
      base(
        [
          { endpoint: '/a', backend: [{ url_pattern: '/a', host: [be.url] }] },
          { endpoint: '/internal/ping', backend: [{ url_pattern: '/p', host: [be.url] }] },
        ],
        { extra_config: otel(collector.port, { trace_sample_rate: 0, skip_paths: ['/internal/'] }) },
      ),
    );
    await request(`${gw.url}/a`);
    await request(`${gw.url}/a`, { headers: { traceparent: '00-11111111111111111111111111111111-2222222222222222-01' } });
    await request(`${gw.url}/internal/ping`, { headers: { traceparent: '00-33333333333333333333333333333333-4444444444444444-01' } });
    await gw.close();
    const traceIds = new Set(collector.spans().map((s) => s.traceId));
    expect([...traceIds]).toEqual(['11111111111111111111111111111111']);
    // The unsampled request still carries a context to its backend, marked not sampled.
    expect(be.seen[0]).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
    // skip_paths: the client's own header goes through untouched (the endpoint forwards no headers, so none).
    expect(be.seen[2]).toBeUndefined();
  });

  it('serves normally when the collector is down, and shuts down without waiting for it', async () => {
    const be = await tracedBackend();
    const dead = await startServer(() => {});
    const port = dead.port;
    await dead.close();
    const gw = await startRuntime(base([{ endpoint: '/a', backend: [{ url_pattern: '/a', host: [be.url] }] }], { extra_config: otel(port) }));
    expect((await request(`${gw.url}/a`)).status).toBe(200);
    const started = Date.now();
    await gw.close();
    // Bounded by the 5 s flush cap (the SDK's own default would wait 30 s); slack for a loaded machine.
    expect(Date.now() - started).toBeLessThan(9000);
  });
});

describe('telemetry/opentelemetry over OTLP/gRPC', () => {
  it('exports traces and metrics to a gRPC collector (the production config\'s exporter)', async () => {
    const received: Record<string, Buffer[]> = { traces: [], metrics: [] };
    const method = (path: string, into: Buffer[]) => ({
      path,
      requestStream: false,
      responseStream: false,
      requestSerialize: (b: Buffer) => b,
      requestDeserialize: (b: Buffer) => b,
      responseSerialize: (b: Buffer) => b,
      responseDeserialize: (b: Buffer) => b,
      handler: (call: { request: Buffer }, callback: (err: null, b: Buffer) => void) => {
        into.push(call.request);
        callback(null, Buffer.alloc(0));
      },
    });
    const traceExport = method('/opentelemetry.proto.collector.trace.v1.TraceService/Export', received.traces!);
    const metricExport = method('/opentelemetry.proto.collector.metrics.v1.MetricsService/Export', received.metrics!);
    const server = new GrpcServer();
    const definition = (m: typeof traceExport) => ({ Export: { ...m, originalName: 'export' } }) as unknown as ServiceDefinition;
    server.addService(definition(traceExport), { Export: traceExport.handler } as unknown as UntypedServiceImplementation);
    server.addService(definition(metricExport), { Export: metricExport.handler } as unknown as UntypedServiceImplementation);
    const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
    cleanups.push(() => new Promise<void>((r) => server.tryShutdown(() => r())));

    const be = await tracedBackend();
    const gw = await startRuntime(base([{ endpoint: '/grpc-traced', backend: [{ url_pattern: '/g', host: [be.url] }] }], { extra_config: otel(port, {}, { use_http: false }) }));
    expect((await request(`${gw.url}/grpc-traced`)).status).toBe(200);
    await gw.close();
    const traces = Buffer.concat(received.traces!).toString('latin1');
    // Protobuf strings travel as raw UTF-8: the service and the span names are in the export.
    expect(traces).toContain('gw-test');
    expect(traces).toContain('GET /grpc-traced');
    expect(Buffer.concat(received.metrics!).toString('latin1')).toContain('http.server.request.duration');
  });
});
