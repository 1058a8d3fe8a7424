import { firstRequestHeader } from '../shared/headers/request-header-lines.js';
import { parsePeerAddress } from '../shared/client-ip/peer-address.js';
import { trustedProxiesFromEnv } from '../shared/client-ip/trusted-proxies.js';
import { decodePath } from '../core/gateway.js';
import { TAKES_UPGRADES, UPGRADE, type MiddlewareFactory, type UpgradeAwareMiddleware, type UpgradeRequest } from '../core/middleware.js';
import { writePermanentRedirect } from '../core/responses.js';
import type { RoutesPlan } from '../plan/plan.js';
import { UpstreamPools } from '../upstream/http/pools.js';
import { watchRoutesSource } from './routes-source.js';
import { forwardedRequest } from './forwarded-request.js';
import { cloudApiUrlOrDefault, compileHostTable, requestHost } from './host-table.js';
import { hostRoutePolicy, ReverseProxy } from './reverse-proxy.js';
import { tunnelUpgrade } from './upgrade-tunnel.js';

/**
 * routes.yaml host routing as the last router middleware (the Go gateway's
 * hostProxyMiddleware): after CORS, the auth and widget gates and the bot
 * detector, before any KrakenD endpoint — so for a host the table names, the
 * table wins. Unmatched requests go on to the router untouched.
 *
 * The unified cloud-API hosts (api.hanzo.ai, api.cloud.hanzo.ai → every path
 * to GATEWAY_CLOUD_API_URL) are Hanzo behaviour: on when the Hanzo edge chain
 * runs (the hanzo profile, or the edge namespace under krakend), so other
 * deployments keep those hostnames to their own table.
 */

export function hostRoutingMiddleware(routes: RoutesPlan): MiddlewareFactory {
  return (deps) => {
    const hanzoEdge = deps.service.edge?.cloudApiHosts === true;
    const options = { hostMap: deps.hostMap, cloudApiUrl: hanzoEdge ? cloudApiUrlOrDefault(deps.env.GATEWAY_CLOUD_API_URL) : undefined };
    let table = compileHostTable(routes, options);
    const replaced = watchRoutesSource(deps, (plan, from, why) => {
      table = compileHostTable(plan, options);
      deps.log.info(`host routing: ${why} ${from}: ${table.summary}`);
    });
    const pools = new UpstreamPools(deps.service.client, deps.service.clientTls);
    deps.atClose?.(() => pools.close());
    const policy = hostRoutePolicy(deps.brand);
    const proxy = new ReverseProxy(pools, policy, deps.log);
    const trusted = trustedProxiesFromEnv(deps.env);
    const fromTrustedProxy = (address: string | undefined) => {
      const ip = parsePeerAddress(address ?? '');
      return ip !== undefined && trusted.contains(ip);
    };
    if (!replaced) deps.log.info(`host routing: ${table.summary}`);

    const middleware: UpgradeAwareMiddleware = (req, res, next) => {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const rawPath = q === -1 ? url : url.slice(0, q);
      const path = decodePath(rawPath);
      // A bad escape is the router's 400 to give.
      if (path === undefined) return next();
      const decision = table.match(requestHost(firstRequestHeader(req, 'host')), path);
      if (decision === undefined) return next();
      if (decision.kind === 'redirect') {
        // Go drops the query; the path goes out still escaped (Go writes the decoded one).
        writePermanentRedirect(req, res, decision.target + rawPath);
        return;
      }
      const fwd = forwardedRequest(req, decision.target, decision, rawPath, path, q === -1 ? '' : url.slice(q + 1), fromTrustedProxy(req.socket?.remoteAddress));
      const upgrade = (req as UpgradeRequest)[UPGRADE];
      if (upgrade) tunnelUpgrade(req, res, upgrade, fwd, policy, deps.log);
      else proxy.serve(req, res, fwd, decision.target.label);
    };
    middleware[TAKES_UPGRADES] = true;
    return middleware;
  };
}
