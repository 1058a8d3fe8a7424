/**
 * KrakenD's `telemetry/opentelemetry` slice with its defaults: who the
 * service is, how much to trace, how often to report metrics, where to send
 * both (OTLP over gRPC, or HTTP with `use_http`), and the paths never
 * traced.
 */
export interface OtlpExporterConfig {
  name: string;
  host: string;
  port: number;
  useHttp: boolean;
  disableMetrics: boolean;
  disableTraces: boolean;
}

export interface OtelConfig {
  serviceName: string;
  serviceVersion: string;
  /** 0..1 of new traces kept (a sampled parent from the client is always followed). */
  traceSampleRate: number;
  metricReportingPeriodMs: number;
  skipPaths: string[];
  otlp: OtlpExporterConfig[];
  /** Exporter kinds configured that hgw does not run (prometheus), for the start-up warning. */
  unsupported: string[];
}

export const DEFAULT_SKIP_PATHS = ['/__health', '/__debug/', '/__echo/', '/__stats/'];

export function otelConfig(value: unknown): OtelConfig {
  const v = obj(value);
  const exporters = obj(v.exporters);
  const otlp = (Array.isArray(exporters.otlp) ? exporters.otlp : []).map((e, i): OtlpExporterConfig => {
    const x = obj(e);
    const useHttp = x.use_http === true;
    return {
      name: typeof x.name === 'string' ? x.name : `otlp-${i}`,
      host: typeof x.host === 'string' ? x.host : 'localhost',
      port: typeof x.port === 'number' ? x.port : useHttp ? 4318 : 4317,
      useHttp,
      disableMetrics: x.disable_metrics === true,
      disableTraces: x.disable_traces === true,
    };
  });
  const rate = typeof v.trace_sample_rate === 'number' ? Math.min(1, Math.max(0, v.trace_sample_rate)) : 1;
  const period = typeof v.metric_reporting_period === 'number' && v.metric_reporting_period > 0 ? v.metric_reporting_period : 30;
  return {
    serviceName: typeof v.service_name === 'string' && v.service_name !== '' ? v.service_name : 'krakend',
    serviceVersion: typeof v.service_version === 'string' ? v.service_version : '',
    traceSampleRate: rate,
    metricReportingPeriodMs: period * 1000,
    skipPaths: Array.isArray(v.skip_paths) ? v.skip_paths.filter((p): p is string => typeof p === 'string') : DEFAULT_SKIP_PATHS,
    otlp,
    unsupported: Object.keys(exporters).filter((k) => k !== 'otlp'),
  };
}

function obj(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
