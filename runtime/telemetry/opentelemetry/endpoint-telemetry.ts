import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Histogram } from '@opentelemetry/api';
import type { EndpointMiddlewareFactory } from '../../core/middleware.js';
import { clientIp } from '../../shared/client-ip/client-ip.js';
import { TRACE_HEADERS, type TracedRequest } from '../../core/trace-headers.js';
import { GETTER, SETTER, watchBackendCalls } from './backend-spans.js';
import { otelSdk, type OtelSdk, type SdkExtension } from './otel-sdk.js';

/**
 * `telemetry/opentelemetry` for one endpoint: a server span per request,
 * named `<METHOD> <endpoint>` and continuing the client's W3C trace context
 * when it sends one, and `http.server.request.duration` by method, route and
 * status. The span's context goes to every backend as `traceparent`, where
 * the undici watcher opens the client spans under it. It is the endpoint's
 * outermost middleware, so refusals by auth or rate limits are traced too.
 * Endpoints under `skip_paths` are left alone; `layers` switches spans,
 * metrics and the client's trace context off.
 */
let backendWatch: { sdk: OtelSdk; stop: () => void } | undefined;
const durations = new WeakMap<OtelSdk, Histogram>();

/** The endpoint telemetry of an SDK with these exporters (otlp-exporters.ts and prometheus-exporter.ts pick them). */
export function endpointTelemetryWith(extensions: readonly SdkExtension[]): EndpointMiddlewareFactory {
  return (endpoint, deps) => {
    const config = deps.service.settings['telemetry/opentelemetry'];
    if (!config) throw new Error('telemetry/opentelemetry is not an object');
    if (config.skipPaths.some((p) => endpoint.endpoint === p || (p.endsWith('/') && endpoint.endpoint.startsWith(p)))) return (_req, _res, _params, next) => next();
    const { layers } = config;
    const sdk = otelSdk(config, deps.hostMap, deps.log, extensions);
    if (!backendWatch && (layers.backendMetrics || layers.backendTraces)) {
      const stop = watchBackendCalls(sdk, { metrics: layers.backendMetrics, traces: layers.backendTraces, buckets: config.timeBuckets });
      backendWatch = { sdk, stop };
      deps.atClose?.(async () => {
        stop();
        backendWatch = undefined;
      });
    }
    deps.atClose?.(() => sdk.shutdown());
    let duration = durations.get(sdk);
    if (!duration) {
      duration = sdk.meter.createHistogram('http.server.request.duration', { unit: 's', description: 'Duration of requests to the gateway\'s endpoints', advice: { explicitBucketBoundaries: config.timeBuckets } });
      durations.set(sdk, duration);
    }
    const histogram = duration;
    const name = `${endpoint.method} ${endpoint.endpoint}`;
    const record = (started: number, status: number) => histogram.record((performance.now() - started) / 1000, { 'http.request.method': endpoint.method, 'http.route': endpoint.endpoint, 'http.response.status_code': status });

    if (!layers.globalTraces && !layers.globalMetrics) return (_req, _res, _params, next) => next();

    return (req, res, _params, next) => {
      const started = performance.now();
      if (!layers.globalTraces) {
        res.once('close', () => record(started, res.statusCode));
        return next();
      }
      const parent = layers.propagation ? sdk.propagator.extract(ROOT_CONTEXT, req.headers, GETTER) : ROOT_CONTEXT;
      const span = sdk.tracer.startSpan(
        name,
        { kind: SpanKind.SERVER, attributes: { 'http.request.method': endpoint.method, 'http.route': endpoint.endpoint, 'url.path': (req.url ?? '/').split('?')[0]!, 'client.address': clientIp(req) } },
        parent,
      );
      const carrier: Record<string, string> = {};
      sdk.propagator.inject(trace.setSpan(parent, span), carrier, SETTER);
      (req as TracedRequest)[TRACE_HEADERS] = Object.entries(carrier).flat();
      res.once('close', () => {
        const status = res.statusCode;
        span.setAttribute('http.response.status_code', status);
        if (!res.writableFinished) span.setStatus({ code: SpanStatusCode.ERROR, message: 'the client went away before the answer was sent' });
        else if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
        if (layers.globalMetrics) record(started, status);
      });
      next();
    };
  };
}
