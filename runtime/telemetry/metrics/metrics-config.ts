/** KrakenD's `telemetry/metrics` slice: where `/__stats/` listens and which layers report. */
export interface MetricsConfig {
  listenAddress: string;
  routerDisabled: boolean;
  proxyDisabled: boolean;
  backendDisabled: boolean;
  endpointDisabled: boolean;
}

export function metricsConfig(value: unknown): MetricsConfig {
  const v = value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  return {
    listenAddress: typeof v.listen_address === 'string' && v.listen_address !== '' ? v.listen_address : ':8090',
    routerDisabled: v.router_disabled === true,
    proxyDisabled: v.proxy_disabled === true,
    backendDisabled: v.backend_disabled === true,
    endpointDisabled: v.endpoint_disabled === true,
  };
}
