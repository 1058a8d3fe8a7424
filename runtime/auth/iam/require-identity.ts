import type { EndpointMiddlewareFactory } from '../../core/middleware.js';
import { writeAuthRefusal } from './auth-responses.js';

/**
 * The Go gateway's `requireIdentity`: behind the IAM gate, an endpoint that is
 * not marked `"auth/public": true` needs a verified identity — a request that
 * reaches it without `X-User-Id` (an API key, no token) gets 401
 * `Authentication required`. The gate strips any client-sent X-User-Id, so
 * the header here can only be one it minted.
 */
export const requireIdentity: EndpointMiddlewareFactory = (_endpoint, deps) => (req, res, _params, next) => {
  const uid = req.headers['x-user-id'];
  if (typeof uid === 'string' && uid !== '') next();
  else writeAuthRefusal(res, deps.brand, { kind: 'authentication-required' });
};
