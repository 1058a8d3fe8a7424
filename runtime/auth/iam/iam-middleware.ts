/**
 * Hanzo IAM edge authentication as router middleware: the Era C per-request
 * ladder of the Go gateway's auth gate (spec A2), configured from the
 * environment with the gin/legacy `DefaultAuthConfig()` names.
 *
 *  1. strip client-supplied identity headers (always, every branch)
 *  2. auth disabled → pass
 *  3–6. tokenless ingest, public host, public path (or a caller-marked public route) → pass
 *  7–8. no token → 401 with AUTH_REQUIRE=true, else pass with no identity
 *  9. opaque API key → pass with no identity (the backend resolves it)
 * 10. verify the JWT → 401 `Invalid token` on any failure
 * 11. mint identity headers from the verified claims
 * 12. balance gate → 402 / 503
 * 13. pass
 *
 * Requests that need no token check are decided synchronously; only token
 * verification and the Commerce call go async.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Middleware, MiddlewareDeps, MiddlewareFactory, Next } from '../../core/middleware.js';
import { isApiKey } from './api-keys.js';
import { authConfigFromEnv, validateAuthConfig } from './auth-config.js';
import { refuseUnclassifiedEndpoints } from './credential-policy.js';
import { writeAuthRefusal, type AuthRefusal } from './auth-responses.js';
import { billingPathMatch, billingUser, checkBalance } from './balance-gate.js';
import { ClaimTypeError, ledgerOrg, readIamClaims, userId, type IamClaims } from './iam-claims.js';
import { identityHeaders, writeIdentityHeaders } from './identity-headers.js';
import { stripIdentityHeaders } from '../../shared/headers/ingress-strip.js';
import { JwksKeyStore } from './jwks-key-store.js';
import { IamJwtVerifier, TokenRejectedError } from './jwt-verifier.js';
import { bothForms, eitherForm, isIngestPath, isPublicHost, isPublicPath, requestTarget } from './request-class.js';
import { fromHeaderValue } from '../../shared/headers/request-headers.js';
import { requestToken } from './token-sources.js';
import { mapUrl } from '../../shared/host-map.js';
import { counter } from '../../shared/counters.js';
import { markFastPathReady } from '../../core/fast-path/fast-path-ready.js';

export interface HanzoIamExtra {
  /**
   * Requests to treat like AUTH_PUBLIC_PATHS (ladder step 6: admitted without
   * a token check and without identity), e.g. endpoints marked
   * `"auth/public": true`. Called with the method and the decoded path; a
   * request is public only if this holds for the cleaned path as well.
   */
  publicRoutes?: (method: string, path: string) => boolean;
  /** JWKS cache timing (tests; defaults 5 min TTL, 30 s refresh cooldown). */
  keyCache?: { ttlMs?: number; refreshCooldownMs?: number };
}

type Verdict = { kind: 'pass' } | { kind: 'refuse'; refusal: AuthRefusal };

const PASS: Verdict = { kind: 'pass' };

/** By outcome: public, anonymous, api-key, verified, or the refusal's kind (invalid-token, authentication-required, …). */
const OUTCOMES = counter('gateway_iam_requests', 'Requests through the IAM gate, by outcome');
const OUTCOME_SERIES = new Map(
  ['public', 'anonymous', 'api-key', 'verified', 'disabled', 'invalid-token', 'authentication-required', 'insufficient-balance', 'billing-unavailable'].map((o) => [o, OUTCOMES.series({ outcome: o })]),
);
const outcome = (name: string) => OUTCOME_SERIES.get(name)?.add();

export function createHanzoIamMiddleware(deps: MiddlewareDeps, extra?: HanzoIamExtra): Middleware {
  // The Go engine's boot check: a config in the credential-policy form must classify every endpoint.
  refuseUnclassifiedEndpoints(deps.service, deps.endpoints);
  const config = authConfigFromEnv(deps.env);
  const { log, brand } = deps;
  for (const problem of validateAuthConfig(config)) log.error(problem);

  if (!config.enabled) {
    log.warn('hanzo auth: AUTH_ENABLED=false, tokens are not checked (client identity headers are still stripped)');
    return markFastPathReady((req, _res, next) => {
      stripIdentityHeaders(req);
      outcome('disabled');
      next();
    });
  }

  const keys = new JwksKeyStore({
    url: mapUrl(deps.hostMap, config.jwksUrl), // host maps cover key servers too (local runs of a production config)
    ttlMs: extra?.keyCache?.ttlMs,
    refreshCooldownMs: extra?.keyCache?.refreshCooldownMs,
    onStale: (err) => log.warn(`hanzo auth: JWKS refresh from ${config.jwksUrl} failed, keeping the keys held: ${err.message}`),
  });
  const verifier = new IamJwtVerifier({ issuers: config.issuers, audiences: config.audiences, keys });
  const publicRoutes = extra?.publicRoutes;
  log.info(`hanzo auth: issuers ${config.issuers.join(', ')}; JWKS ${config.jwksUrl}; billing ${config.billingEnabled ? 'on' : 'off'}`);

  // Uses only what the fast path's raw response offers (core/fast-path/).
  return markFastPathReady((req, res, next) => {
    const selectedOrg = stripIdentityHeaders(req);
    const target = requestTarget(req);
    if (
      bothForms(target, (p) => isIngestPath(target.method, p)) ||
      isPublicHost(target.host, config.publicHosts) ||
      bothForms(target, (p) => isPublicPath(p, config.publicPaths)) ||
      (publicRoutes && bothForms(target, (p) => publicRoutes(target.method, p)))
    ) {
      outcome('public');
      return next();
    }

    const token = requestToken(req);
    if (token === '') {
      if (config.requireAuth) return refuse(res, { kind: 'authentication-required' });
      outcome('anonymous');
      return next();
    }
    if (isApiKey(token)) {
      outcome('api-key');
      return next();
    }

    const billed = config.billingEnabled && eitherForm(target, (p) => billingPathMatch(p, config.billingPaths));
    admitToken(req, token, fromHeaderValue(selectedOrg), billed).then(
      (verdict) => finish(verdict, res, next),
      (err: unknown) => {
        log.error(`hanzo auth: unexpected failure: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
        finish({ kind: 'refuse', refusal: { kind: 'invalid-token', detail: 'authz: verification failed' } }, res, next);
      },
    );
  });

  /** Steps 10–12 for a request carrying a JWT. */
  async function admitToken(req: IncomingMessage, token: string, selectedOrg: string, billed: boolean): Promise<Verdict> {
    let claims: IamClaims;
    try {
      claims = readIamClaims(await verifier.verify(token));
    } catch (err) {
      if (err instanceof TokenRejectedError) return invalid(err.message);
      if (err instanceof ClaimTypeError) return invalid(`authz: token is malformed: ${err.message}`);
      throw err;
    }
    // Recorded as the request's VERIFIED_IDENTITY: backends get it even where input_headers does not list it.
    writeIdentityHeaders(req, identityHeaders(claims, selectedOrg), log);

    const user = userId(claims);
    if (!billed || user === '') return PASS;
    const verdict = await checkBalance(config, billingUser(user, ledgerOrg(claims, selectedOrg)));
    switch (verdict.kind) {
      case 'allow':
        return PASS;
      case 'insufficient':
        return { kind: 'refuse', refusal: { kind: 'insufficient-balance', billingUser: verdict.billingUser } };
      case 'misconfigured':
        return { kind: 'refuse', refusal: { kind: 'billing-unavailable' } };
      case 'unreachable':
        if (!config.billingFailClosed) {
          log.warn(`hanzo auth: balance check failed, passing unbilled (fail-open; BILLING_FAIL_CLOSED=true refuses instead): ${verdict.reason}`);
          return PASS;
        }
        log.warn(`hanzo auth: balance check failed, refusing: ${verdict.reason}`);
        return { kind: 'refuse', refusal: { kind: 'billing-unavailable' } };
    }
  }

  function finish(verdict: Verdict, res: ServerResponse, next: Next): void {
    if (verdict.kind === 'refuse') return refuse(res, verdict.refusal);
    outcome('verified');
    try {
      next();
    } catch (err) {
      log.error(`hanzo auth: downstream handler threw: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
      if (!res.headersSent) res.destroy();
    }
  }

  function refuse(res: ServerResponse, refusal: AuthRefusal): void {
    outcome(refusal.kind);
    writeAuthRefusal(res, brand, refusal);
  }
}

function invalid(detail: string): Verdict {
  return { kind: 'refuse', refusal: { kind: 'invalid-token', detail } };
}

export const hanzoIamMiddleware: MiddlewareFactory = (deps) => createHanzoIamMiddleware(deps);
