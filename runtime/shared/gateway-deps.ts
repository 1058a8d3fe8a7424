import type { EndpointPlan, ServicePlan } from '../plan/plan.js';
import type { Branding } from './branding.js';
import type { HostMap } from './host-map.js';
import type { Logger } from './log/logger.js';

/**
 * The one deps type: what the server hands the factories it calls once at
 * start-up. Router and endpoint middleware and listeners receive it whole;
 * endpoint handlers, proxy wrappers, upstreams and backend stages the slice
 * they read (a `Pick` of it, so a field means the same everywhere), plus what
 * exists only at their own point of the start: an endpoint's upstreams, the
 * listening port, the connection pools.
 */
export interface GatewayDeps {
  service: ServicePlan;
  brand: Branding;
  log: Logger;
  /** Process environment, for modules configured from it (Hanzo IAM, widget gate, trusted proxies). */
  env: Readonly<Record<string, string | undefined>>;
  /** The host map also sends key servers (jwk_url) elsewhere, as it does backends. */
  hostMap: HostMap;
  /** Every endpoint of the gateway (checks that look at the whole config, as the credential-policy boot check). */
  endpoints?: readonly EndpointPlan[];
  /** Registers work for shutdown, after the server drained (connection pools a middleware owns). */
  atClose?: (release: () => Promise<void>) => void;
}
