import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MiddlewareDeps, MiddlewareFactory } from '../../core/middleware.js';
import { authConfigFromEnv, validateAuthConfig } from '../../auth/iam/auth-config.js';
import { readIamClaims } from '../../auth/iam/iam-claims.js';
import { identityHeaders, writeIdentityHeaders } from '../../auth/iam/identity-headers.js';
import { JwksKeyStore } from '../../auth/iam/jwks-key-store.js';
import { IamJwtVerifier } from '../../auth/iam/jwt-verifier.js';
import { firstRequestHeader } from '../../shared/headers/request-header-lines.js';
import { fromHeaderValue, removeRequestHeaders } from '../../shared/headers/request-headers.js';
import { bearerToken } from '../../auth/iam/token-sources.js';
import type { IngressPlan } from '../../plan/plan.js';
import { createIngressMiddleware, type IngressGate } from './ingress-middleware.js';
import { mapUrl } from '../../shared/host-map.js';

/**
 * The ingress's IAM gate for `auth: true` hosts (hanzo-core §6): the token
 * from a Bearer header or the password of HTTP Basic (the `go` / .netrc case
 * for hosts like goproxy.hanzo.ai), verified with the gateway's AUTH_* keys
 * and issuers. Refused: 401 with `WWW-Authenticate: Basic realm="<host>"`.
 * Admitted: identity headers minted from the claims, and the credential
 * (Authorization, X-Authorization) removed before the backend sees it.
 */
const REFUSAL = Buffer.from('{"error":"unauthorized","message":"valid Hanzo IAM token required"}');

export function ingressIamGate(deps: MiddlewareDeps): IngressGate {
  const config = authConfigFromEnv(deps.env);
  for (const problem of validateAuthConfig(config)) deps.log.error(problem);
  const keys = new JwksKeyStore({
    url: mapUrl(deps.hostMap, config.jwksUrl), // host maps cover key servers too (local runs of a production config)
    onStale: (err) => deps.log.warn(`ingress auth: JWKS refresh from ${config.jwksUrl} failed, keeping the keys held: ${err.message}`),
  });
  const verifier = new IamJwtVerifier({ issuers: config.issuers, audiences: config.audiences, keys });
  deps.log.info(`ingress auth: issuers ${config.issuers.join(', ')}; JWKS ${config.jwksUrl}`);

  return (req, res, host, admit) => {
    const token = ingressToken(req);
    const selectedOrg = fromHeaderValue(firstRequestHeader(req, 'x-org-id'));
    if (token === '') {
      refuse(res, host);
      return;
    }
    verifier.verify(token).then(
      (payload) => {
        if (res.destroyed) return;
        let claims;
        try {
          claims = readIamClaims(payload);
        } catch {
          refuse(res, host);
          return;
        }
        removeRequestHeaders(req, (n) => n === 'authorization' || n === 'x-authorization');
        writeIdentityHeaders(req, identityHeaders(claims, selectedOrg), deps.log);
        admit();
      },
      () => refuse(res, host),
    );
  };
}

/** Bearer (Authorization, else X-Authorization), else the Basic password. */
export function ingressToken(req: IncomingMessage): string {
  const authorization = firstRequestHeader(req, 'authorization');
  const bearer = bearerToken(authorization, firstRequestHeader(req, 'x-authorization'));
  if (bearer !== '') return bearer;
  const space = authorization.indexOf(' ');
  if (space === -1 || authorization.slice(0, space).toLowerCase() !== 'basic') return '';
  const decoded = Buffer.from(authorization.slice(space + 1).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon === -1 ? '' : decoded.slice(colon + 1);
}

function refuse(res: ServerResponse, host: string): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(401, {
    'Content-Type': 'application/json',
    'WWW-Authenticate': `Basic realm="${host.replace(/["\\]/g, '')}"`,
    'Content-Length': REFUSAL.length,
  });
  res.end(REFUSAL);
}

/** The ingress with its IAM gate linked: what codegen picks when a host has `auth: true`. */
export function ingressMiddlewareWithIam(plan: IngressPlan): MiddlewareFactory {
  return (deps) => createIngressMiddleware(plan, deps, ingressIamGate(deps));
}
