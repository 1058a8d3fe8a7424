import type { Meter, Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, type MetricReader } from '@opentelemetry/sdk-metrics';
import { ParentBasedSampler, TraceIdRatioBasedSampler, TracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace';
import type { HostMap } from '../../shared/host-map.js';
import type { Logger } from '../../shared/log/logger.js';
import type { OtelConfig } from './otel-config.js';
import { eventCounterBridge } from './event-counters.js';

/**
 * One OpenTelemetry SDK per process, shared by every endpoint: a tracer
 * provider sampling `trace_sample_rate` of new traces (and following a
 * client's sampled parent) and a meter provider. Where the data goes comes
 * from extensions — OTLP collectors (otlp-exporters.ts), Prometheus scrape
 * listeners (prometheus-exporter.ts) — so a gateway links only the
 * exporters it configures. Providers are this module's own, not registered
 * globally, so a plugin's OpenTelemetry setup is left alone. The runtime's
 * event counters are reported whatever the exporters.
 */
export interface OtelSdk {
  tracer: Tracer;
  meter: Meter;
  propagator: W3CTraceContextPropagator;
  /** Registers event counters made since the SDK started (before a scrape). */
  syncCounters(): void;
  shutdown(): Promise<void>;
}

/** What an exporter adds: metric readers, span processors, and instruments it wants (returning their stop). */
export interface SdkExtension {
  readers?(config: OtelConfig, hostMap: HostMap, log: Logger): MetricReader[];
  spanProcessors?(config: OtelConfig, hostMap: HostMap, log: Logger): SpanProcessor[];
  instrument?(meter: Meter, config: OtelConfig): () => void;
}

let shared: { sdk: OtelSdk; users: number } | undefined;

/** How long one export (and the final flush) may take before it is given up. */
export const EXPORT_TIMEOUT_MS = 5000;

export function otelSdk(config: OtelConfig, hostMap: HostMap, log: Logger, extensions: readonly SdkExtension[]): OtelSdk {
  if (shared) {
    shared.users++;
    return shared.sdk;
  }
  const resource = resourceFromAttributes({ 'service.name': config.serviceName, ...(config.serviceVersion ? { 'service.version': config.serviceVersion } : {}) });
  const spanProcessors = extensions.flatMap((e) => e.spanProcessors?.(config, hostMap, log) ?? []);
  const readers = extensions.flatMap((e) => e.readers?.(config, hostMap, log) ?? []);
  for (const kind of config.unsupported) log.warn(`opentelemetry: the ${kind} exporter is not supported by hgw; use an OTLP collector or Prometheus`);
  const tracerProvider = new TracerProvider({
    resource,
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.traceSampleRate) }),
    spanProcessors,
  });
  const meterProvider = new MeterProvider({ resource, readers });
  const meter = meterProvider.getMeter('hgw');
  const syncCounters = eventCounterBridge(meter);
  const stops = extensions.map((e) => e.instrument?.(meter, config));
  const sdk: OtelSdk = {
    tracer: tracerProvider.getTracer('hgw'),
    meter,
    propagator: new W3CTraceContextPropagator(),
    syncCounters,
    async shutdown() {
      if (!shared || --shared.users > 0) return;
      shared = undefined;
      for (const stop of stops) stop?.();
      // Flushes what is batched; a collector that is down must not hold the shutdown.
      const flushed = Promise.allSettled([tracerProvider.shutdown(), meterProvider.shutdown()]);
      await Promise.race([flushed, new Promise((r) => setTimeout(r, EXPORT_TIMEOUT_MS).unref())]);
    },
  };
  shared = { sdk, users: 1 };
  return sdk;
}
