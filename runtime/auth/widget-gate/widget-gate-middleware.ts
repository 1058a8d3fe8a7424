/**
 * The widget gate as router middleware: configured from the environment
 * (WIDGET_ALLOWED_ORIGINS, GATEWAY_TRUSTED_PROXIES), bucketing on the
 * trusted-proxy client IP, with the limiter's idle entries swept every
 * cleanup interval like the Go gateway's background goroutine.
 */
import type { MiddlewareFactory } from '../../core/middleware.js';
import { clientIpResolver } from '../../shared/client-ip/client-ip-resolver.js';
import { TRUSTED_PROXIES_ENV, trustedProxiesFromEnv } from '../../shared/client-ip/trusted-proxies.js';
import { createWidgetGate } from './widget-gate.js';
import { widgetGateConfigFromEnv } from './widget-gate-config.js';
import { markFastPathReady } from '../../core/fast-path/fast-path-ready.js';

export const widgetGateMiddleware: MiddlewareFactory = (deps) => {
  const config = widgetGateConfigFromEnv(deps.env);
  const trusted = trustedProxiesFromEnv(deps.env);
  if (trusted.rejected.length > 0) {
    deps.log.warn(`widget gate: ${TRUSTED_PROXIES_ENV} entries that are not CIDRs were dropped (trusting less): ${trusted.rejected.map((e) => JSON.stringify(e)).join(', ')}`);
  }
  const gate = createWidgetGate({ config, clientIp: clientIpResolver(trusted) });
  // Never stopped, like Go's ticker; unref'd so it does not hold the process open.
  setInterval(() => gate.limiter.sweep(), config.cleanupIntervalMs).unref();
  // Uses only what the fast path's raw response offers (core/fast-path/).
  return markFastPathReady(gate.middleware);
};
