import type { IncomingMessage, ServerResponse } from 'node:http';
import { decodePath } from '../../core/gateway.js';
import { TAKES_UPGRADES, UPGRADE, type MiddlewareDeps, type MiddlewareFactory, type UpgradeAwareMiddleware, type UpgradeRequest } from '../../core/middleware.js';
import { writePermanentRedirect } from '../../core/responses.js';
import { cleanPath } from '../../core/router.js';
import { stripIdentityHeaders } from '../../shared/headers/ingress-strip.js';
import { firstRequestHeader } from '../../shared/headers/request-header-lines.js';
import type { IngressPlan } from '../../plan/plan.js';
import { UpstreamPools } from '../../upstream/http/pools.js';
import { requestHost } from '../host-table.js';
import { withoutHopHeaders } from '../hop-headers.js';
import { ReverseProxy, type RelayPolicy } from '../reverse-proxy.js';
import { tunnelUpgrade } from '../upgrade-tunnel.js';
import { compileIngressTable } from './ingress-table.js';
import { ingressForwardedRequest } from './ingress-request.js';

/**
 * The Go ingress (`cmd/ingress`) as the whole request handling of a bundle:
 * health on every host, Go ServeMux's 301 to a clean path, the host table,
 * the IAM gate on `auth: true` hosts, then Go's reverse proxy with the
 * client's Host kept. Nothing reaches the router: an unknown host or path is
 * this middleware's 404.
 *
 * Client-supplied identity headers are stripped on every host, not only on
 * `auth: true` ones as in Go: no backend behind the edge should take a
 * client's word for who it is.
 */
export type IngressGate = (req: IncomingMessage, res: ServerResponse, host: string, admit: () => void) => void;

const HEALTH_BODY = Buffer.from('{"status":"ok"}');

/** Go's http.Error: text/plain, nosniff, the message and a newline. */
function httpError(res: ServerResponse, status: number, message: string): void {
  const body = Buffer.from(`${message}\n`);
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Content-Length': body.length });
  res.end(body);
}

/** The ingress relays what the backend says (no CORS policy, no brand); a dead backend is `502 Bad Gateway`. */
const INGRESS_POLICY: RelayPolicy = {
  responseHeaders: (raw) => withoutHopHeaders(raw),
  badGateway: (res) => httpError(res, 502, '502 Bad Gateway'),
};

export function createIngressMiddleware(plan: IngressPlan, deps: MiddlewareDeps, gate?: IngressGate): UpgradeAwareMiddleware {
  if (!gate && plan.hosts.some((h) => h.auth)) throw new Error('ingress: hosts with auth: true need the IAM gate (ingressMiddlewareWithIam)');
  const table = compileIngressTable(plan, deps.hostMap, deps.log);
  const pools = new UpstreamPools(deps.service.client, deps.service.clientTls);
  deps.atClose?.(() => pools.close());
  const proxy = new ReverseProxy(pools, INGRESS_POLICY, deps.log);
  deps.log.info(`ingress: ${plan.hosts.length} host(s), ${plan.hosts.filter((h) => h.auth).length} behind IAM; health at ${plan.healthPath}`);

  const middleware: UpgradeAwareMiddleware = (req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q === -1 ? url : url.slice(0, q);
    const rawQuery = q === -1 ? '' : url.slice(q + 1);
    const path = decodePath(rawPath);
    if (path === undefined) {
      httpError(res, 400, '400 Bad Request');
      return;
    }
    const clean = cleanPath(rawPath);
    if (clean !== rawPath && req.method !== 'CONNECT') {
      writePermanentRedirect(req, res, clean + (q === -1 ? '' : url.slice(q)));
      return;
    }
    if (path === plan.healthPath) {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': HEALTH_BODY.length }).end(HEALTH_BODY);
      return;
    }
    stripIdentityHeaders(req);
    const host = requestHost(firstRequestHeader(req, 'host'));
    const decision = table.match(host, path);
    if (decision.kind !== 'proxy') {
      httpError(res, 404, '404 Not Found');
      return;
    }
    const forward = () => {
      const fwd = ingressForwardedRequest(req, decision.target, rawPath, rawQuery);
      const upgrade = (req as UpgradeRequest)[UPGRADE];
      if (upgrade) tunnelUpgrade(req, res, upgrade, fwd, INGRESS_POLICY, deps.log);
      else proxy.serve(req, res, fwd, decision.target.label);
    };
    if (decision.auth && gate) gate(req, res, host, forward);
    else forward();
  };
  middleware[TAKES_UPGRADES] = true;
  return middleware;
}

/** The ingress without the IAM gate: what codegen picks when no host has `auth: true` (no JWT library linked). */
export function ingressMiddleware(plan: IngressPlan): MiddlewareFactory {
  return (deps) => createIngressMiddleware(plan, deps);
}
