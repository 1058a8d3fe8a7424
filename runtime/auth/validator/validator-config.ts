import { goDurationMs } from '../../shared/go/go-duration.js';

/**
 * `auth/validator` as KrakenD's krakend-jose reads it, defaults applied.
 */
export interface ValidatorConfig {
  alg: string;
  jwkUrl?: string;
  jwkLocalPath?: string;
  issuer?: string;
  audience: string[];
  roles: string[];
  rolesKey: string;
  rolesKeyIsNested: boolean;
  scopes: string[];
  scopesKey: string;
  scopesMatcher: 'any' | 'all';
  /** [claim, header] pairs. */
  propagateClaims: Array<[string, string]>;
  cookieKey?: string;
  authHeaderName: string;
  disableJwkSecurity: boolean;
  cacheMs: number;
  cooldownMs: number;
  leewayMs: number;
  operationDebug: boolean;
}

export function validatorConfig(raw: unknown): ValidatorConfig {
  const c = (raw ?? {}) as Record<string, unknown>;
  const strs = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  return {
    alg: str(c.alg) ?? 'RS256',
    jwkUrl: str(c.jwk_url),
    jwkLocalPath: str(c.jwk_local_path),
    issuer: str(c.issuer),
    audience: strs(c.audience),
    roles: strs(c.roles),
    rolesKey: str(c.roles_key) ?? 'roles',
    rolesKeyIsNested: c.roles_key_is_nested === true,
    scopes: strs(c.scopes),
    scopesKey: str(c.scopes_key) ?? 'scope',
    scopesMatcher: c.scopes_matcher === 'all' ? 'all' : 'any',
    propagateClaims: (Array.isArray(c.propagate_claims) ? c.propagate_claims : [])
      .filter((p): p is [string, string] => Array.isArray(p) && typeof p[0] === 'string' && typeof p[1] === 'string'),
    cookieKey: str(c.cookie_key),
    authHeaderName: str(c.auth_header_name) ?? 'Authorization',
    disableJwkSecurity: c.disable_jwk_security === true,
    cacheMs: c.cache === true ? (typeof c.cache_duration === 'number' && c.cache_duration > 0 ? c.cache_duration : 900) * 1000 : 0,
    cooldownMs: goDurationMs(c.failed_jwk_key_cooldown, 10_000),
    leewayMs: goDurationMs(c.leeway, 1000),
    operationDebug: c.operation_debug === true,
  };
}
