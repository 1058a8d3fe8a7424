import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EndpointPlan } from '../plan/plan.js';
import type { GatewayDeps } from '../shared/gateway-deps.js';

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

/** Middleware factories receive the gateway's deps whole. */
export type MiddlewareDeps = GatewayDeps;

export type MiddlewareFactory = (deps: MiddlewareDeps) => Middleware;

export type EndpointMiddlewareFactory = (endpoint: EndpointPlan, deps: MiddlewareDeps) => EndpointMiddleware;

/** Per-request facts middlewares hand on (verified claims for `{JWT.x}` and propagate_claims). */
export const REQUEST_CLAIMS = Symbol('hgw.claims');

export type RequestWithClaims = IncomingMessage & { [REQUEST_CLAIMS]?: Record<string, unknown> };

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
