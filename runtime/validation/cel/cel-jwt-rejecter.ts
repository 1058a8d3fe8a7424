import type { EndpointMiddlewareFactory } from '../../core/middleware.js';
import { REQUEST_CLAIMS, type RequestWithClaims } from '../../core/middleware.js';
import { compileCelChecks, firstFailing } from './cel-checks.js';
import { jwtActivation } from './cel-activation.js';

/**
 * krakend-cel's JWT rejecter: the endpoint's `JWT` checks run on the claims
 * `auth/validator` just verified (it is linked right after the validator);
 * the first that is false or fails answers 401 with an empty body, as
 * krakend-jose does for a rejected token.
 */
export const celJwtRejecter: EndpointMiddlewareFactory = (endpoint, deps) => {
  const compiled = compileCelChecks(endpoint.settings['validation/cel'] ?? []);
  const jwt = compiled.ok ? compiled.checks.jwt : [];
  if (jwt.length === 0) return (_req, _res, _params, next) => next();
  return (req, res, _params, next) => {
    const claims = (req as RequestWithClaims)[REQUEST_CLAIMS];
    if (claims === undefined) return next();
    const failed = firstFailing(jwt, jwtActivation(claims));
    if (failed === -1) return next();
    deps.log.info(`[ENDPOINT: ${endpoint.endpoint}][CEL] JWT rejecter #${failed} refused the token`);
    res.writeHead(401, { 'Content-Length': 0 }).end();
  };
};
