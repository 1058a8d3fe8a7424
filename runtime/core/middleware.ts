import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EndpointPlan, ServicePlan } from '../plan/plan.js';
import type { Branding } from './branding.js';
import type { Logger } from './logger.js';

/**
 * The two places code runs around the proxy, as design.md §3 names them.
 *
 * Router middleware (service level) runs before routing, in the edge chain's
 * fixed order (CORS preflight → auth → widget gate → bot detector → routing):
 * it answers the request itself, or calls `next()` exactly once.
 *
 * Endpoint middleware runs after routing, before the endpoint's handler
 * (auth/validator, rate limits): same contract, plus the route params.
 *
 * Both are built once from their config slice by a factory; per request they
 * allocate as little as they can.
 */
export type Next = () => void;

export type Middleware = (req: IncomingMessage, res: ServerResponse, next: Next) => void;

export type EndpointMiddleware = (req: IncomingMessage, res: ServerResponse, params: string[], next: Next) => void;

export interface MiddlewareDeps {
  service: ServicePlan;
  brand: Branding;
  log: Logger;
  /** Process environment, for modules configured from it (Hanzo IAM, widget gate, trusted proxies). */
  env: Readonly<Record<string, string | undefined>>;
  /** The host map also sends key servers (jwk_url) elsewhere, as it does backends. */
  hostMap: import('./host-map.js').HostMap;
  /** Every endpoint of the gateway (checks that look at the whole config, as the credential-policy boot check). */
  endpoints?: readonly EndpointPlan[];
  /** Registers work for shutdown, after the server drained (connection pools a middleware owns). */
  atClose?: (release: () => Promise<void>) => void;
}

export type MiddlewareFactory = (deps: MiddlewareDeps) => Middleware;

export type EndpointMiddlewareFactory = (endpoint: EndpointPlan, deps: MiddlewareDeps) => EndpointMiddleware;

/** Per-request facts middlewares hand on (verified claims for `{JWT.x}` and propagate_claims). */
export const REQUEST_CLAIMS = Symbol('hgw.claims');

export type RequestWithClaims = IncomingMessage & { [REQUEST_CLAIMS]?: Record<string, unknown> };

/**
 * The identity headers the Hanzo IAM gate minted for the request, in wire
 * form: [] once the gate has stripped the client's and verified nobody,
 * absent when no gate ran. Transports that carry identity outside headers
 * (ZAP Forward envelopes) read it here, never from the request's headers; the
 * request builder sends these lines to backends whatever the endpoint's
 * input_headers say (the gateway is their authority, and a client's own lines
 * under those names were stripped before they were written).
 */
export const VERIFIED_IDENTITY = Symbol('hgw.identity');

export type VerifiedIdentity = ReadonlyArray<readonly [name: string, value: string]>;

export type RequestWithIdentity = IncomingMessage & { [VERIFIED_IDENTITY]?: VerifiedIdentity };

/**
 * An Upgrade request (WebSocket) reaches the router middleware like any other
 * when a middleware asks for them (`TAKES_UPGRADES` on the function): its
 * ServerResponse writes to the raw socket, so a gate can still answer 401,
 * and the middleware that tunnels finds the socket and early bytes here.
 */
export const UPGRADE = Symbol('hgw.upgrade');

export type UpgradeRequest = IncomingMessage & { [UPGRADE]?: { socket: import('node:stream').Duplex; head: Buffer } };

export const TAKES_UPGRADES = Symbol('hgw.takesUpgrades');

export type UpgradeAwareMiddleware = Middleware & { [TAKES_UPGRADES]?: boolean };
