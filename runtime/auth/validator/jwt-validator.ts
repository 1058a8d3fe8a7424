import { errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import type { EndpointMiddlewareFactory } from '../../core/middleware.js';
import { REQUEST_CLAIMS, type RequestWithClaims } from '../../core/middleware.js';
import { JwkKeys } from './jwk-keys.js';
import { mapUrl } from '../../shared/host-map.js';
import type { ValidatorConfig } from './validator-config.js';
import { claimAt, claimText } from './claims.js';
import { VerifiedTokens } from './verified-tokens.js';

/**
 * KrakenD's `auth/validator` (krakend-jose) on one endpoint: the token from
 * the Authorization header (or `cookie_key`) must verify with the configured
 * `alg` against the JWK keys, and match `issuer`, every `audience`, one of the
 * `roles` and the `scopes`. A missing or invalid token is 401, a role or scope
 * mismatch 403 — both with an empty body, before the endpoint runs. Verified
 * claims are kept on the request for `{JWT.claim}` url_patterns and
 * `propagate_claims`.
 */
export const jwtValidator: EndpointMiddlewareFactory = (endpoint, deps) => {
  const cfg = endpoint.settings['auth/validator'] ?? deps.service.settings['auth/validator'];
  // Linked only where the namespace is set; without settings it is not an object, and auth never fails open.
  if (!cfg) throw new Error(`${endpoint.method} ${endpoint.endpoint}: auth/validator is not an object`);
  const jwkUrl = cfg.jwkUrl && mapUrl(deps.hostMap, cfg.jwkUrl);
  // A key server the operator mapped elsewhere (local runs) may be plain http; otherwise krakend-jose's rule holds.
  const allowInsecure = cfg.disableJwkSecurity || jwkUrl !== cfg.jwkUrl;
  const keys = new JwkKeys({ url: jwkUrl, allowInsecure, localPath: cfg.jwkLocalPath, cacheMs: cfg.cacheMs, cooldownMs: cfg.cooldownMs });
  const headerName = cfg.authHeaderName.toLowerCase();
  const verified = new VerifiedTokens();
  return (req, res, _params, next) => {
    const token = tokenOf(req.headers[headerName], req.headers.cookie, cfg.cookieKey);
    if (!token) {
      deny(res, 401);
      return;
    }
    const cached = verified.get(token);
    const check = cached ? Promise.resolve(cached) : verify(token, cfg, keys).then((claims) => (verified.set(token, claims, cfg.leewayMs), claims));
    check.then(
      (claims) => {
        const problem = authorizationProblem(claims, cfg);
        if (problem) {
          if (cfg.operationDebug) deps.log.error(`JWT: ${problem}`);
          deny(res, 403);
          return;
        }
        (req as RequestWithClaims)[REQUEST_CLAIMS] = claims as Record<string, unknown>;
        propagate(req.headers, req.rawHeaders, claims, cfg);
        next();
      },
      (e: Error) => {
        if (cfg.operationDebug) deps.log.error(`JWT: ${e.message}`);
        deny(res, 401);
      },
    );
  };
};

function tokenOf(header: string | string[] | undefined, cookie: string | undefined, cookieKey: string | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value) {
    const m = /^\s*bearer\s+(\S+)\s*$/i.exec(value);
    if (m) return m[1];
  }
  if (cookieKey && cookie) {
    for (const part of cookie.split(';')) {
      const eq = part.indexOf('=');
      if (eq !== -1 && part.slice(0, eq).trim() === cookieKey) return part.slice(eq + 1).trim() || undefined;
    }
  }
  return undefined;
}

async function verify(token: string, cfg: ValidatorConfig, keys: JwkKeys): Promise<JWTPayload> {
  const { payload } = await jwtVerify(token, (header) => keys.keyFor(header, cfg.alg), {
    algorithms: [cfg.alg], // the configured alg only: `none` and alg confusion never verify
    issuer: cfg.issuer,
    clockTolerance: cfg.leewayMs / 1000,
  });
  // KrakenD wants every listed audience in the token (jose accepts any one).
  if (cfg.audience.length > 0) {
    const aud = payload.aud === undefined ? [] : Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    const missing = cfg.audience.find((a) => !aud.includes(a));
    if (missing !== undefined) throw new joseErrors.JWTClaimValidationFailed(`audience ${missing} missing`, payload, 'aud', 'check_failed');
  }
  return payload;
}

/** A reason for 403, or undefined when roles and scopes are satisfied. */
function authorizationProblem(claims: JWTPayload, cfg: ValidatorConfig): string | undefined {
  if (cfg.roles.length > 0) {
    const value = cfg.rolesKeyIsNested ? claimAt(claims, cfg.rolesKey) : (claims as Record<string, unknown>)[cfg.rolesKey];
    const roles = Array.isArray(value) ? value.map(String) : typeof value === 'string' ? [value] : [];
    if (!cfg.roles.some((r) => roles.includes(r))) return `no role among ${cfg.roles.join(', ')}`;
  }
  if (cfg.scopes.length > 0) {
    const value = claimAt(claims, cfg.scopesKey);
    const scopes = typeof value === 'string' ? value.split(/\s+/) : Array.isArray(value) ? value.map(String) : [];
    const ok = cfg.scopesMatcher === 'all' ? cfg.scopes.every((s) => scopes.includes(s)) : cfg.scopes.some((s) => scopes.includes(s));
    if (!ok) return `scopes do not match (${cfg.scopesMatcher} of ${cfg.scopes.join(' ')})`;
  }
  return undefined;
}

/**
 * propagate_claims: each claim becomes a request header the backends receive
 * (added to input_headers' output by the request builder). The gateway is the
 * authority for these headers: every client line is replaced, and a claim the
 * token lacks gives an empty value (as current krakend-jose does), so a forged
 * `X-Org-Id` never reaches a backend.
 */
function propagate(headers: RequestWithClaims['headers'], rawHeaders: string[], claims: JWTPayload, cfg: ValidatorConfig): void {
  for (const [claim, header] of cfg.propagateClaims) {
    const text = claimText(claimAt(claims, claim));
    const lower = header.toLowerCase();
    for (let i = rawHeaders.length - 2; i >= 0; i -= 2) if (rawHeaders[i]!.toLowerCase() === lower) rawHeaders.splice(i, 2);
    rawHeaders.push(header, text);
    headers[lower] = text;
  }
}

function deny(res: Parameters<ReturnType<EndpointMiddlewareFactory>>[1], status: 401 | 403): void {
  res.writeHead(status, { 'Content-Length': 0 }).end();
}
