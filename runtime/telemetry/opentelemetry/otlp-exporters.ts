import { OTLPMetricExporter as GrpcMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPMetricExporter as HttpMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as HttpTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { PeriodicExportingMetricReader, type MetricReader } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { mapUrl, type HostMap } from '../../shared/host-map.js';
import type { Logger } from '../../shared/log/logger.js';
import { endpointTelemetryWith } from './endpoint-telemetry.js';
import type { OtelConfig } from './otel-config.js';
import { EXPORT_TIMEOUT_MS, type SdkExtension } from './otel-sdk.js';

/**
 * `exporters.otlp`: one exporter per collector, gRPC by default or HTTP with
 * `use_http`, spans batched and metrics pushed every
 * `metric_reporting_period`. Host maps apply to collectors too. The OTLP
 * packages (and gRPC with them) are linked only into gateways that list a
 * collector.
 */
export const otlpExtension: SdkExtension = {
  spanProcessors(config: OtelConfig, hostMap: HostMap, log: Logger): SpanProcessor[] {
    return config.otlp
      .filter((e) => !e.disableTraces)
      .map((e) => {
        const base = collectorUrl(hostMap, e.host, e.port);
        return new BatchSpanProcessor({ exportTimeoutMillis: EXPORT_TIMEOUT_MS, exporter: e.useHttp ? new HttpTraceExporter({ url: `${base}/v1/traces` }) : new GrpcTraceExporter({ url: base }) });
      });
  },
  readers(config: OtelConfig, hostMap: HostMap, log: Logger): MetricReader[] {
    const readers: MetricReader[] = [];
    for (const e of config.otlp) {
      const base = collectorUrl(hostMap, e.host, e.port);
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
    return readers;
  },
};

function collectorUrl(hostMap: HostMap, host: string, port: number): string {
  return mapUrl(hostMap, `http://${host}:${port}`).replace(/\/$/, '');
}

/** `telemetry/opentelemetry` endpoint middleware for a gateway exporting over OTLP only. */
export const endpointTelemetry = /* @__PURE__ */ endpointTelemetryWith([otlpExtension]);
