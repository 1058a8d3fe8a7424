import type { ServicePlan } from '../../plan/plan.js';
import type { EndpointHandler } from '../endpoint-context.js';
import { hasEncodedParam, routedPath, withEndpointMiddleware, type Recover, type RoutedEndpoint } from '../gateway.js';
import { probeFor, type Probe } from '../probes.js';
import { Router } from '../router.js';
import { isFastPathReady } from './fast-path-ready.js';

/**
 * The routing half of the fast path's decision, made as the gateway's
 * request listener makes it (gateway.ts) so a request lands on the same
 * endpoint either way: probes, `/__health`, `/__debug`, `/__echo` and every
 * miss (redirects, 404, 405) and bad escape go to node:http; a route found in
 * a table holding every endpoint in the listener's order (so static-before-
 * param and backtracking pick the same route) is taken only when its handler
 * is fast-path-ready and has no endpoint middleware.
 */
export interface FastRoute {
  handler: EndpointHandler;
  params: string[];
  rawQuery: string;
}

export class FastRoutes {
  private readonly router = new Router<EndpointHandler | null>();
  private readonly healthPath: string | undefined;

  private constructor(
    private readonly service: ServicePlan,
    endpoints: readonly RoutedEndpoint[],
    private readonly debug: boolean,
    private readonly probes: Readonly<Record<string, Probe>>,
    recover: Recover,
  ) {
    for (const ep of endpoints) this.router.add(ep.plan.method, ep.plan.route, takes(ep) ? withEndpointMiddleware(ep.handler, ep.middleware ?? [], recover) : null);
    const r = service.router;
    this.healthPath = r.disableHealth ? undefined : r.healthPath;
  }

  /** The table, or undefined when no endpoint can take the fast path. */
  static build(service: ServicePlan, endpoints: readonly RoutedEndpoint[], debug: boolean, probes: Readonly<Record<string, Probe>>, recover: Recover): FastRoutes | undefined {
    return endpoints.some(takes) ? new FastRoutes(service, endpoints, debug, probes, recover) : undefined;
  }

  match(method: string, url: string): FastRoute | undefined {
    if (url.charCodeAt(0) !== 47 /* / */ || probeFor(url, this.probes) !== undefined) return undefined;
    const q = url.indexOf('?');
    const rawPath = q === -1 ? url : url.slice(0, q);
    const path = routedPath(rawPath, this.service.router);
    if (path === undefined || path === this.healthPath) return undefined;
    if ((this.debug && path.startsWith('/__debug')) || (this.service.echoEndpoint && path.startsWith('/__echo'))) return undefined;
    const found = this.router.find(method, path);
    if (found.kind !== 'found' || found.handler === null) return undefined;
    if (!this.service.router.disablePathDecoding && hasEncodedParam(found.params)) return undefined;
    return { handler: found.handler, params: found.params, rawQuery: q === -1 ? '' : url.slice(q + 1) };
  }
}

/** An endpoint the fast path can serve: its handler and each of its endpoint middlewares are marked ready. */
function takes(ep: RoutedEndpoint): boolean {
  return isFastPathReady(ep.handler) && (ep.middleware ?? []).every(isFastPathReady);
}
