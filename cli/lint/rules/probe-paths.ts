import { diagnosticAt } from '../../diagnostics/make.js';
import { endpoints, str } from '../../config/view.js';
import { PROBE_PATHS } from '../../../runtime/plan/plan.js';
import type { GatewayRule } from '../context.js';

/**
 * The server answers `GET /healthz` and `GET /readyz` itself, before any
 * route, so an endpoint at one of those paths is never reached for GET. (The
 * Go gateway's engine registers `/healthz` on its router, where such an
 * endpoint would not even start.)
 */
const PATHS = new Set<string>(Object.values(PROBE_PATHS));

export const probePathsRule: GatewayRule = ({ doc, report }) => {
  for (const ep of endpoints(doc.value)) {
    const path = str(ep.value.endpoint);
    const method = (str(ep.value.method) ?? 'GET').toUpperCase();
    if (path === undefined || !PATHS.has(path) || method !== 'GET') continue;
    report(diagnosticAt(doc, 'endpoint-path-probe', `${ep.pointer}/endpoint`, `GET ${path} is answered by the gateway's own probe; this endpoint is never reached`, {
      on: 'value', hint: 'Choose another path; /healthz (liveness) and /readyz (readiness) are for Kubernetes and load balancers.',
    }));
  }
};
