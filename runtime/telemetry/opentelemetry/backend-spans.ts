import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Histogram, type Span } from '@opentelemetry/api';
import type { OtelSdk } from './otel-sdk.js';

/**
 * Client spans and `http.client.request.duration` for every backend call,
 * fed by undici's diagnostics channels rather than by wrapping our
 * upstreams. A call belongs to a traced request when it carries the
 * `traceparent` the endpoint telemetry put on it; its span becomes the
 * parent the backend sees (the header is rewritten before undici writes
 * it). Calls without one (key fetches, leader polls) are not traced.
 * `layers.backend` can leave out the spans or the durations.
 */
interface UndiciRequest {
  origin: unknown;
  method: string;
  path: string;
  headers: string[];
}

interface Open {
  span: Span | undefined;
  started: number;
  attributes: Record<string, string | number>;
}

const CHANNELS = ['undici:request:create', 'undici:request:headers', 'undici:request:trailers', 'undici:request:error'] as const;

export function watchBackendCalls(sdk: OtelSdk, measure: { metrics: boolean; traces: boolean; buckets: number[] }): () => void {
  const open = new WeakMap<object, Open>();
  const duration: Histogram = sdk.meter.createHistogram('http.client.request.duration', { unit: 's', description: 'Duration of the gateway\'s calls to backends', advice: { explicitBucketBoundaries: measure.buckets } });

  const finish = (request: object, error?: Error) => {
    const o = open.get(request);
    if (!o) return;
    open.delete(request);
    if (error) {
      o.span?.recordException(error);
      o.span?.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
      o.attributes['error.type'] = error.name;
    }
    o.span?.end();
    if (measure.metrics) duration.record((performance.now() - o.started) / 1000, o.attributes);
  };

  const handlers: Record<(typeof CHANNELS)[number], (message: unknown) => void> = {
    'undici:request:create': (message) => {
      const request = (message as { request: UndiciRequest }).request;
      const at = headerIndex(request.headers, 'traceparent');
      if (at === -1) return;
      const carrier: Record<string, string> = { traceparent: request.headers[at + 1]! };
      const state = headerIndex(request.headers, 'tracestate');
      if (state !== -1) carrier.tracestate = request.headers[state + 1]!;
      const parent = sdk.propagator.extract(ROOT_CONTEXT, carrier, GETTER);
      let origin: URL | undefined;
      try {
        origin = new URL(String(request.origin));
      } catch {
        origin = undefined;
      }
      const attributes: Record<string, string | number> = { 'http.request.method': request.method };
      if (origin) {
        attributes['server.address'] = origin.hostname;
        attributes['server.port'] = Number(origin.port || (origin.protocol === 'https:' ? 443 : 80));
      }
      let span: Span | undefined;
      if (measure.traces) {
        span = sdk.tracer.startSpan(request.method, { kind: SpanKind.CLIENT, attributes: { ...attributes, 'url.full': `${origin?.origin ?? ''}${request.path}` } }, parent);
        const out: Record<string, string> = {};
        sdk.propagator.inject(trace.setSpan(parent, span), out, SETTER);
        if (out.traceparent) request.headers[at + 1] = out.traceparent;
      }
      open.set(request, { span, started: performance.now(), attributes });
    },
    'undici:request:headers': (message) => {
      const { request, response } = message as { request: object; response: { statusCode: number } };
      const o = open.get(request);
      if (!o) return;
      o.attributes['http.response.status_code'] = response.statusCode;
      o.span?.setAttribute('http.response.status_code', response.statusCode);
      if (response.statusCode >= 500) o.span?.setStatus({ code: SpanStatusCode.ERROR });
    },
    'undici:request:trailers': (message) => finish((message as { request: object }).request),
    'undici:request:error': (message) => {
      const { request, error } = message as { request: object; error: Error };
      finish(request, error);
    },
  };
  for (const name of CHANNELS) subscribe(name, handlers[name]);
  return () => {
    for (const name of CHANNELS) unsubscribe(name, handlers[name]);
  };
}

function headerIndex(headers: readonly string[], lower: string): number {
  for (let i = 0; i + 1 < headers.length; i += 2) if (headers[i]!.toLowerCase() === lower) return i;
  return -1;
}

export const GETTER = {
  get: (carrier: Record<string, string | string[] | undefined>, key: string) => carrier[key],
  keys: (carrier: Record<string, unknown>) => Object.keys(carrier),
};

export const SETTER = {
  set: (carrier: Record<string, string>, key: string, value: string) => {
    carrier[key] = value;
  },
};
