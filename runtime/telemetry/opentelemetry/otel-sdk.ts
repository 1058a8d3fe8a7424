import type { Meter, Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPMetricExporter as GrpcMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPMetricExporter as HttpMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as HttpTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader, type MetricReader } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, TracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { mapUrl, type HostMap } from '../../core/host-map.js';
import type { Logger } from '../../core/logger.js';
import type { OtelConfig } from './otel-config.js';
import { eventCounterBridge } from './event-counters.js';

/**
 * One OpenTelemetry SDK per process, shared by every endpoint: a tracer
 * provider sampling `trace_sample_rate` of new traces (and following a
 * client's sampled parent), a meter provider reporting every
 * `metric_reporting_period`, each with one OTLP exporter per configured
 * collector. Providers are this module's own, not registered globally, so
 * a plugin's OpenTelemetry setup is left alone. Pull exporters (Prometheus)
 * come in through an extension, so a gateway that configures none links
 * none; the runtime's event counters are reported either way.
 */
export interface OtelSdk {
  tracer: Tracer;
  meter: Meter;
  propagator: W3CTraceContextPropagator;
  /** Registers event counters made since the SDK started (before a scrape). */
  syncCounters(): void;
  shutdown(): Promise<void>;
}

/** What a pull exporter adds: its readers, and instruments it wants (returns their stop). */
export interface SdkExtension {
  readers(config: OtelConfig): MetricReader[];
  instrument(meter: Meter, config: OtelConfig): () => void;
}

let shared: { sdk: OtelSdk; users: number } | undefined;

/** How long one export (and the final flush) may take before it is given up. */
const EXPORT_TIMEOUT_MS = 5000;

export function otelSdk(config: OtelConfig, hostMap: HostMap, log: Logger, extension?: SdkExtension): OtelSdk {
  if (shared) {
    shared.users++;
    return shared.sdk;
  }
  const resource = resourceFromAttributes({ 'service.name': config.serviceName, ...(config.serviceVersion ? { 'service.version': config.serviceVersion } : {}) });
  const spanProcessors: SpanProcessor[] = [];
  const readers: MetricReader[] = [];
  for (const e of config.otlp) {
    const base = mapUrl(hostMap, `http://${e.host}:${e.port}`).replace(/\/$/, '');
    if (!e.disableTraces) spanProcessors.push(new BatchSpanProcessor({ exportTimeoutMillis: EXPORT_TIMEOUT_MS, exporter: e.useHttp ? new HttpTraceExporter({ url: `${base}/v1/traces` }) : new GrpcTraceExporter({ url: base }) }));
    if (!e.disableMetrics) {
      readers.push(
        new PeriodicExportingMetricReader({
          exporter: e.useHttp ? new HttpMetricExporter({ url: `${base}/v1/metrics` }) : new GrpcMetricExporter({ url: base }),
          exportIntervalMillis: config.metricReportingPeriodMs,
          exportTimeoutMillis: Math.min(config.metricReportingPeriodMs, EXPORT_TIMEOUT_MS),
        }),
      );
    }
    log.info(`opentelemetry: ${e.name} → ${base} (OTLP/${e.useHttp ? 'HTTP' : 'gRPC'}${e.disableTraces ? ', no traces' : ''}${e.disableMetrics ? ', no metrics' : ''})`);
  }
  if (extension) readers.push(...extension.readers(config));
  else if (config.prometheus.length > 0) log.warn('opentelemetry: this build has no Prometheus exporter linked');
  for (const kind of config.unsupported) log.warn(`opentelemetry: the ${kind} exporter is not supported by hgw; use an OTLP collector`);
  const tracerProvider = new TracerProvider({
    resource,
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.traceSampleRate) }),
    spanProcessors,
  });
  const meterProvider = new MeterProvider({ resource, readers });
  const meter = meterProvider.getMeter('hgw');
  const syncCounters = eventCounterBridge(meter);
  const stopInstruments = extension?.instrument(meter, config);
  const sdk: OtelSdk = {
    tracer: tracerProvider.getTracer('hgw'),
    meter,
    propagator: new W3CTraceContextPropagator(),
    syncCounters,
    async shutdown() {
      if (!shared || --shared.users > 0) return;
      shared = undefined;
      stopInstruments?.();
      // Flushes what is batched; a collector that is down must not hold the shutdown.
      const flushed = Promise.allSettled([tracerProvider.shutdown(), meterProvider.shutdown()]);
      await Promise.race([flushed, new Promise((r) => setTimeout(r, EXPORT_TIMEOUT_MS).unref())]);
    },
  };
  shared = { sdk, users: 1 };
  return sdk;
}
