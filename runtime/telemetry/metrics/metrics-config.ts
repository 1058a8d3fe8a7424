/**
 * KrakenD's `telemetry/metrics` slice: where `/__stats/` listens and which
 * layers report. Parsed when the Plan is built; codegen links the layers and
 * the stats listener binds from the result.
 */
import { settingsParser } from '../../plan/settings.js';

export interface MetricsConfig {
  /** `listen_address` as written (default `:8090`). */
  listenAddress: string;
  /** Its host part without brackets; absent: every interface, as Go's `:8090`. */
  host?: string;
  /** Its port; 0 when it has none (the schema's pattern reports it), a free port the gateway logs. */
  port: number;
  routerDisabled: boolean;
  proxyDisabled: boolean;
  backendDisabled: boolean;
  endpointDisabled: boolean;
}

export const metricsSettings = /* @__PURE__ */ settingsParser<MetricsConfig>((value) => {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  const listenAddress = typeof v.listen_address === 'string' && v.listen_address !== '' ? v.listen_address : ':8090';
  const colon = listenAddress.lastIndexOf(':');
  const host = colon > 0 ? listenAddress.slice(0, colon).replace(/^\[|\]$/g, '') : undefined;
  const portText = colon >= 0 ? listenAddress.slice(colon + 1) : '';
  const port = /^\d{1,5}$/.test(portText) && Number(portText) <= 65535 ? Number(portText) : 0;
  return {
    listenAddress,
    ...(host ? { host } : {}),
    port,
    routerDisabled: v.router_disabled === true,
    proxyDisabled: v.proxy_disabled === true,
    backendDisabled: v.backend_disabled === true,
    endpointDisabled: v.endpoint_disabled === true,
  };
});
