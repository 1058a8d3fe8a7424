/**
 * The IAM gate's first step alone: client identity headers are removed from
 * every request. Linked under the hanzo profile when the edge namespace turns
 * the IAM gate off (`"iam": false`), so switching verification off can never
 * let a client state who it is — what `AUTH_ENABLED=false` does at run time.
 */
import type { MiddlewareFactory } from '../../core/middleware.js';
import { refuseUnclassifiedEndpoints } from './credential-policy.js';
import { stripIdentityHeaders } from '../../shared/headers/ingress-strip.js';

export const identityStripMiddleware: MiddlewareFactory = (deps) => {
  // The gate's boot check runs here too: switching verification off does not unclassify endpoints.
  refuseUnclassifiedEndpoints(deps.service, deps.endpoints);
  return (req, _res, next) => {
    stripIdentityHeaders(req);
    next();
  };
};
