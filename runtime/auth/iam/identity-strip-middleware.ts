/**
 * The IAM gate's first step alone: client identity headers are removed from
 * every request. Linked under the hanzo profile when the edge namespace turns
 * the IAM gate off (`"iam": false`), so switching verification off can never
 * let a client state who it is — what `AUTH_ENABLED=false` does at run time.
 */
import type { MiddlewareFactory } from '../../core/middleware.js';
import { stripIdentityHeaders } from './ingress-strip.js';

export const identityStripMiddleware: MiddlewareFactory = () => (req, _res, next) => {
  stripIdentityHeaders(req);
  next();
};
