import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EndpointPlan, ServicePlan } from '../plan/plan.js';
import type { Branding } from './branding.js';
import type { EndpointHandler } from './endpoint-context.js';
import { writeHealth } from './health.js';
import { DEBUG_PREFIX, handleDebug, redirectToDebug } from './debug-endpoint.js';
import type { Logger } from './logger.js';
import { writeGatewayError, writeRouterMiss } from './responses.js';
import { Router } from './router.js';

/**
 * The request entry point: service endpoints (`/__health`), then the route
 * table. Handlers are built once, before the first request.
 */
export interface RoutedEndpoint {
  plan: EndpointPlan;
  handler: EndpointHandler;
}

export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

export interface ListenerOptions {
  /** `/__debug/` on (debug_endpoint, or `-d`). */
  debug: boolean;
  log: Logger;
}

export function createRequestListener(service: ServicePlan, brand: Branding, endpoints: RoutedEndpoint[], options: ListenerOptions): RequestListener {
  const router = new Router<EndpointHandler>();
  for (const ep of endpoints) router.add(ep.plan.method, ep.plan.route, ep.handler);
  const healthPath = service.router.disableHealth ? undefined : service.router.healthPath;

  return (req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q === -1 ? url : url.slice(0, q);
    const rawQuery = q === -1 ? '' : url.slice(q + 1);
    const path = decodePath(rawPath);
    if (path === undefined) {
      writeGatewayError(res, brand, 400, 'invalid URL escape');
      return;
    }
    if (path === healthPath && req.method === 'GET') {
      writeHealth(res);
      return;
    }
    if (options.debug && path.startsWith('/__debug')) {
      if (path.startsWith(DEBUG_PREFIX)) handleDebug(req, res, options.log);
      else if (path === '/__debug') redirectToDebug(req, res);
      else writeRouterMiss(res, brand, 404);
      return;
    }
    const match = router.find(req.method ?? 'GET', path);
    if (match.kind === 'found') {
      match.handler(req, res, match.params, rawQuery);
      return;
    }
    if (match.kind === 'method-not-allowed') writeRouterMiss(res, brand, 405, match.allowed);
    else writeRouterMiss(res, brand, 404);
  };
}

/** Go's URL.Path: the request path percent-decoded; a bad escape is a 400 before routing. */
function decodePath(raw: string): string | undefined {
  if (!raw.includes('%')) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}
