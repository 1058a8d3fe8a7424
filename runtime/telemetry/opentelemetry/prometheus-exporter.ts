import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import type { ListenerFactory } from '../../core/start.js';
import { endpointTelemetryWith } from './endpoint-telemetry.js';
import { observeNodeRuntime } from './node-runtime-metrics.js';
import type { OtelConfig } from './otel-config.js';
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
/** The SDK's Prometheus readers, in the order of `exporters.prometheus`. */
let exporters: PrometheusExporter[] = [];

const prometheusExtension: SdkExtension = {
  readers(config) {
    exporters = config.prometheus.map(() => new PrometheusExporter({ preventServerStart: true, withoutScopeInfo: true }));
    return exporters;
  },
  instrument(meter, config) {
    if (config.prometheus.some((e) => e.processMetrics)) observeProcess(meter);
    const stop = config.prometheus.some((e) => e.goMetrics) ? observeNodeRuntime(meter) : undefined;
    return () => {
      stop?.();
      exporters = [];
    };
  },
};

/** `telemetry/opentelemetry` endpoint middleware for a gateway with Prometheus (and OTLP collectors too, in the second). */
export const endpointTelemetryWithPrometheus = /* @__PURE__ */ endpointTelemetryWith([prometheusExtension]);
export const endpointTelemetryWithPrometheusAndOtlp = /* @__PURE__ */ endpointTelemetryWith([otlpExtension, prometheusExtension]);

/** Bounds of the scrape listener: a scraper sends one small GET, and a few at a time are plenty. */
const SCRAPE_HEADER_BYTES = 8 * 1024;
const SCRAPE_TIMEOUT_MS = 10_000;
const SCRAPES_AT_ONCE = 4;

/** The scrape listeners; `extensions` must be the endpoint middleware's, as the first of the two makes the shared SDK. */
const prometheusListenerWith = (extensions: readonly SdkExtension[]): ListenerFactory => async ({ service, hostMap, log }) => {
  const config: OtelConfig | undefined = service.settings['telemetry/opentelemetry'];
  if (!config) throw new Error('telemetry/opentelemetry is not an object');
  const sdk = otelSdk(config, hostMap, log, extensions);
  const servers: Server[] = [];
  const closeOne = (s: Server) =>
    new Promise<void>((resolve) => {
      s.closeAllConnections();
      s.close(() => resolve());
    });
  const closeAll = async () => {
    await Promise.all(servers.map(closeOne));
    await sdk.shutdown();
  };
  try {
    let scraping = 0;
    for (const [i, e] of config.prometheus.entries()) {
      const exporter = exporters[i];
      if (!exporter) throw new Error('opentelemetry: the Prometheus exporter was not set up with the SDK');
      const server = createServer({ maxHeaderSize: SCRAPE_HEADER_BYTES, requestTimeout: SCRAPE_TIMEOUT_MS, headersTimeout: SCRAPE_TIMEOUT_MS }, (req, res) => {
        const path = (req.url ?? '/').split('?')[0];
        if (path !== '/metrics') return void res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('404 page not found');
        if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, { Allow: 'GET, HEAD' }).end();
        if (scraping >= SCRAPES_AT_ONCE) return void res.writeHead(503, { 'Retry-After': '1' }).end();
        scraping++;
        res.once('close', () => scraping--);
        sdk.syncCounters();
        exporter.getMetricsRequestHandler(req, res);
      });
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ port: e.port, host: e.listenIp }, () => resolve());
      });
      const address = server.address() as AddressInfo;
      const note = e.listenIpDefaulted ? ' (loopback by default: set listen_ip to be scraped from another host)' : '';
      log.info(`opentelemetry: ${e.name} → Prometheus /metrics on ${address.address}:${address.port}${note}`);
    }
  } catch (err) {
    await closeAll();
    throw err;
  }
  return { close: closeAll };
};

export const prometheusListener = /* @__PURE__ */ prometheusListenerWith([prometheusExtension]);
export const prometheusListenerWithOtlp = /* @__PURE__ */ prometheusListenerWith([otlpExtension, prometheusExtension]);
