import { isApiKey } from '../auth/iam/api-keys.js';
import { isIdentityHeader } from '../shared/headers/ingress-strip.js';
import { authConfigFromEnv, type Env } from '../auth/iam/auth-config.js';
import { ClaimTypeError, readIamClaims, userId } from '../auth/iam/iam-claims.js';
import { JwksKeyStore } from '../auth/iam/jwks-key-store.js';
import { IamJwtVerifier, TokenRejectedError } from '../auth/iam/jwt-verifier.js';
import { moneyBits } from '../auth/iam/permission-bits.js';
import { bothForms, isPublicPath, requestTargetOf } from '../auth/iam/request-class.js';
import { bearerToken, cookieToken } from '../auth/iam/token-sources.js';
import type { Logger } from '../shared/log/logger.js';
import type { ForwardEnvelope, ForwardResponse } from '../zap/wire/forward-envelopes.js';

/**
 * The relay's auth gate (spec C4, the Go relay's gate.go), run on every
 * Forward before it goes on:
 *  1. the envelope's identity is cleared — whatever the sender stated — and
 *     so are identity lines in its Headers (X-User-Id, X-Org-Id, X-IAM-*, …
 *     in any spelling): forward.Serve re-adds the Headers for the service, so
 *     a client's X-User-Id would otherwise reach it (beyond Go's relay);
 *  2. auth off (`AUTH_ENABLED=false`) → on, unauthenticated;
 *  3. a path under a public prefix (`AUTH_PUBLIC_PATHS`) → on — the
 *     decoded path and its cleaned form both, as hgw's HTTP gate (Go's relay
 *     matches the raw path, so `/healthz/../v1/x` passed);
 *  4. the token from the Headers: Bearer (`Authorization`, else
 *     `X-Authorization`), then HTTP Basic (the password, or the user name
 *     when the password is empty), then the IAM cookies; none → 401
 *     "Authentication required" with `AUTH_REQUIRE=true`, else on;
 *  5. an API key → on (the service resolves it);
 *  6. a JWT that does not verify → 401 "Invalid token" (no detail);
 *  7. a valid JWT → TenantID = `owner`, UserID, IsAdmin = the `isAdmin`
 *     claim, Permissions = the A9 bits.
 * Deny answers are JSON with `Content-Type: application/json`. No billing,
 * no body inspection, no public hosts — as the Go relay.
 */
export type GateVerdict = { pass: ForwardEnvelope } | { deny: ForwardResponse };

export function createRelayGate(env: Env, log: Logger): (f: ForwardEnvelope) => Promise<GateVerdict> {
  const config = authConfigFromEnv(env);
  const verifier = config.enabled
    ? new IamJwtVerifier({
        issuers: config.issuers,
        audiences: config.audiences,
        keys: new JwksKeyStore({ url: config.jwksUrl, onStale: (err) => log.warn(`relay gate: JWKS refresh from ${config.jwksUrl} failed, keeping the keys held: ${err.message}`) }),
      })
    : undefined;
  return async (forward) => {
    const headers = forward.headers.filter(([name]) => !isIdentityHeader(name.toLowerCase()));
    const f: ForwardEnvelope = { ...forward, headers, tenantId: '', userId: '', isAdmin: false, permissions: 0n };
    if (!verifier) return { pass: f };
    // As the HTTP gate: public only if the path and its cleaned form both are (`/healthz/../v1/x` is not).
    if (bothForms(requestTargetOf(f.method, f.path, ''), (p) => isPublicPath(p, config.publicPaths))) return { pass: f };
    const token = envelopeToken(f.headers);
    if (token === '') return config.requireAuth ? deny('Authentication required') : { pass: f };
    if (isApiKey(token)) return { pass: f };
    try {
      const claims = readIamClaims(await verifier.verify(token));
      return { pass: { ...f, tenantId: claims.owner, userId: userId(claims), isAdmin: claims.isAdmin, permissions: BigInt.asIntN(64, moneyBits(claims)) } };
    } catch (err) {
      if (err instanceof TokenRejectedError || err instanceof ClaimTypeError) return deny('Invalid token');
      throw err;
    }
  };
}

function deny(message: string): GateVerdict {
  return { deny: { status: 401, headers: [['Content-Type', 'application/json']], body: Buffer.from(JSON.stringify({ error: 'unauthorized', message })) } };
}

/** Bearer, then Basic, then the IAM cookies, from the envelope's header lines. */
export function envelopeToken(headers: ReadonlyArray<readonly [string, string]>): string {
  const first = (lower: string) => headers.find(([k]) => k.toLowerCase() === lower)?.[1] ?? '';
  const authorization = first('authorization');
  const bearer = bearerToken(authorization, first('x-authorization'));
  if (bearer !== '') return bearer;
  const basic = basicToken(authorization);
  if (basic !== '') return basic;
  return cookieToken(first('cookie'));
}

/** HTTP Basic (spec A3): base64-decode, split at the first `:`, the password, or the user name when it is empty. */
function basicToken(authorization: string): string {
  const space = authorization.indexOf(' ');
  if (space === -1 || authorization.slice(0, space).toLowerCase() !== 'basic') return '';
  const decoded = Buffer.from(authorization.slice(space + 1).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return '';
  const password = decoded.slice(colon + 1);
  return password !== '' ? password : decoded.slice(0, colon);
}
