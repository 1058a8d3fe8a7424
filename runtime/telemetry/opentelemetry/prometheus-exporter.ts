import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import type { ListenerFactory } from '../../core/start.js';
import { endpointTelemetryWith } from './endpoint-telemetry.js';
import { observeNodeRuntime } from './node-runtime-metrics.js';
import { otelConfig, type OtelConfig } from './otel-config.js';
import { otelSdk, type SdkExtension } from './otel-sdk.js';
import { otlpExtension } from './otlp-exporters.js';
import { observeProcess } from './process-metrics.js';

/**
 * `exporters.prometheus`: each entry is a scrape listener answering
 * `GET /metrics` in the text exposition format, as KrakenD serves it — on
 * `listen_ip` (loopback unless configured: KrakenD binds every interface)
 * and `port` (default 9090). Labels are route templates and config hosts,
 * never raw paths. This module, and the exporter library, are linked only
 * into gateways that configure a Prometheus exporter.
 */
const exporters = new Map<string, PrometheusExporter>();

const prometheusExtension: SdkExtension = {
  readers(config) {
    return config.prometheus.map((e) => {
      const reader = new PrometheusExporter({ preventServerStart: true, withoutScopeInfo: true });
      exporters.set(e.name, reader);
      return reader;
    });
  },
  instrument(meter, config) {
    if (config.prometheus.some((e) => e.processMetrics)) observeProcess(meter);
    const stop = config.prometheus.some((e) => e.goMetrics) ? observeNodeRuntime(meter) : undefined;
    return () => {
      stop?.();
      exporters.clear();
    };
  },
};

/** `telemetry/opentelemetry` endpoint middleware for a gateway with Prometheus (and OTLP collectors too, in the second). */
export const endpointTelemetryWithPrometheus = /* @__PURE__ */ endpointTelemetryWith([prometheusExtension]);
export const endpointTelemetryWithPrometheusAndOtlp = /* @__PURE__ */ endpointTelemetryWith([otlpExtension, prometheusExtension]);

/** Bounds of the scrape listener: a scraper sends one small GET. */
const SCRAPE_HEADER_BYTES = 8 * 1024;
const SCRAPE_TIMEOUT_MS = 10_000;

/** The scrape listeners; `extensions` must be the endpoint middleware's, as the first of the two makes the shared SDK. */
const prometheusListenerWith = (extensions: readonly SdkExtension[]): ListenerFactory => async ({ service, hostMap, log }) => {
  const config: OtelConfig = otelConfig(service.extraConfig['telemetry/opentelemetry']);
  const sdk = otelSdk(config, hostMap, log, extensions);
  const servers: Server[] = [];
  const closeAll = async () => {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => {
      s.closeAllConnections();
      s.close(() => resolve());
    })));
    await sdk.shutdown();
  };
  try {
    for (const e of config.prometheus) {
      const exporter = exporters.get(e.name)!;
      const server = createServer({ maxHeaderSize: SCRAPE_HEADER_BYTES, requestTimeout: SCRAPE_TIMEOUT_MS, headersTimeout: SCRAPE_TIMEOUT_MS }, (req, res) => {
        const path = (req.url ?? '/').split('?')[0];
        if (path !== '/metrics') return void res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('404 page not found');
        if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, { Allow: 'GET, HEAD' }).end();
        sdk.syncCounters();
        exporter.getMetricsRequestHandler(req, res);
      });
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ port: e.port, host: e.listenIp }, () => resolve());
      });
      const address = server.address() as AddressInfo;
      log.info(`opentelemetry: ${e.name} → Prometheus /metrics on ${address.address}:${address.port}`);
    }
  } catch (err) {
    await closeAll();
    throw err;
  }
  return { close: closeAll };
};

export const prometheusListener = /* @__PURE__ */ prometheusListenerWith([prometheusExtension]);
export const prometheusListenerWithOtlp = /* @__PURE__ */ prometheusListenerWith([otlpExtension, prometheusExtension]);
