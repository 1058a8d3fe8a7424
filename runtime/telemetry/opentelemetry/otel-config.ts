/**
 * KrakenD's `telemetry/opentelemetry` slice with its defaults: who the
 * service is, how much to trace, how often to report metrics, where to send
 * both (OTLP over gRPC, or HTTP with `use_http`; Prometheus scrape
 * listeners), the layer switches, and the paths never traced. Parsed when
 * the Plan is built; the SDK, the middleware and the listeners read the result.
 */
import { settingsParser } from '../../plan/settings.js';

export interface OtlpExporterConfig {
  name: string;
  host: string;
  port: number;
  useHttp: boolean;
  disableMetrics: boolean;
  disableTraces: boolean;
}

/** A Prometheus scrape listener. KrakenD binds 0.0.0.0; hgw binds loopback unless `listen_ip` says otherwise. */
export interface PrometheusExporterConfig {
  name: string;
  port: number;
  listenIp: string;
  /** `listen_ip` was not set: the loopback default, said at start-up for users used to KrakenD's 0.0.0.0. */
  listenIpDefaulted: boolean;
  /** CPU, memory, file descriptors, start time (Prometheus' process_* names). */
  processMetrics: boolean;
  /** Go's runtime metrics, for Node: heap, event-loop delay, GC (nodejs_* names). */
  goMetrics: boolean;
}

/** `layers`: which parts of the request flow are traced and measured. */
export interface OtelLayers {
  globalMetrics: boolean;
  globalTraces: boolean;
  /** Continue the client's `traceparent` (off: every request starts a trace). */
  propagation: boolean;
  backendMetrics: boolean;
  backendTraces: boolean;
}

export interface OtelConfig {
  serviceName: string;
  serviceVersion: string;
  /** 0..1 of new traces kept (a sampled parent from the client is always followed). */
  traceSampleRate: number;
  metricReportingPeriodMs: number;
  skipPaths: string[];
  otlp: OtlpExporterConfig[];
  prometheus: PrometheusExporterConfig[];
  layers: OtelLayers;
  /** `histograms.time_buckets`: bucket bounds of the latency histograms, in seconds. */
  timeBuckets: number[];
  /** Exporter kinds configured that hgw does not run, for the start-up warning. */
  unsupported: string[];
}

export const PROMETHEUS_DEFAULT_PORT = 9090;
/** KrakenD's default latency buckets (seconds); OpenTelemetry's own are meant for milliseconds. */
export const DEFAULT_TIME_BUCKETS = [0.01, 0.02, 0.05, 0.075, 0.1, 0.125, 0.15, 0.175, 0.2, 0.25, 0.3, 0.35, 0.5, 0.75, 1, 1.5, 2, 3.5, 5, 10];
export const PROMETHEUS_DEFAULT_LISTEN_IP = '127.0.0.1';

export const DEFAULT_SKIP_PATHS = ['/__health', '/__debug/', '/__echo/', '/__stats/'];

export const otelSettings = /* @__PURE__ */ settingsParser<OtelConfig>((value, problems) => {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
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
  const prometheus = (Array.isArray(exporters.prometheus) ? exporters.prometheus : [])
    .map(obj)
    .filter((x) => x.disable_metrics !== true)
    .map((x, i): PrometheusExporterConfig => ({
      name: typeof x.name === 'string' ? x.name : `prometheus-${i}`,
      port: typeof x.port === 'number' ? x.port : PROMETHEUS_DEFAULT_PORT,
      listenIp: typeof x.listen_ip === 'string' && x.listen_ip !== '' ? x.listen_ip : PROMETHEUS_DEFAULT_LISTEN_IP,
      listenIpDefaulted: !(typeof x.listen_ip === 'string' && x.listen_ip !== ''),
      processMetrics: x.process_metrics === true,
      goMetrics: x.go_metrics === true,
    }));
  const layers = obj(v.layers);
  const global = obj(layers.global);
  const backend = obj(layers.backend);
  const timeBuckets = obj(v.histograms).time_buckets;
  const rate = typeof v.trace_sample_rate === 'number' ? Math.min(1, Math.max(0, v.trace_sample_rate)) : 1;
  const period = typeof v.metric_reporting_period === 'number' && v.metric_reporting_period > 0 ? v.metric_reporting_period : 30;
  if (typeof v.metric_reporting_period === 'number' && period !== v.metric_reporting_period) {
    problems.warn('/metric_reporting_period', `metric_reporting_period ${v.metric_reporting_period} is not a positive number of seconds: metrics are reported every 30 s`, 'Set the seconds between metric reports, e.g. 30.');
  }
  // Exporter kinds other than these two are the schema's finding; the SDK also warns at start-up.
  const unsupported = Object.keys(exporters).filter((k) => k !== 'otlp' && k !== 'prometheus' && !/^[@$_#]/.test(k));
  return {
    serviceName: typeof v.service_name === 'string' && v.service_name !== '' ? v.service_name : 'krakend',
    serviceVersion: typeof v.service_version === 'string' ? v.service_version : '',
    traceSampleRate: rate,
    metricReportingPeriodMs: period * 1000,
    skipPaths: Array.isArray(v.skip_paths) ? v.skip_paths.filter((p): p is string => typeof p === 'string') : DEFAULT_SKIP_PATHS,
    otlp,
    prometheus,
    timeBuckets: Array.isArray(timeBuckets) && timeBuckets.every((b) => typeof b === 'number') ? [...(timeBuckets as number[])].sort((a, b) => a - b) : DEFAULT_TIME_BUCKETS,
    layers: {
      globalMetrics: global.disable_metrics !== true,
      globalTraces: global.disable_traces !== true,
      propagation: global.disable_propagation !== true,
      backendMetrics: obj(backend.metrics).disable_stage !== true,
      backendTraces: obj(backend.traces).disable_stage !== true,
    },
    unsupported,
  };
});

function obj(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
