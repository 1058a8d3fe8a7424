import { goDurationMs } from '../../shared/go/go-duration.js';
import { settingsParser } from '../../plan/settings.js';
import { keySourceSettings, nonEmpty, type KeySourceSettings } from './key-source-settings.js';

/**
 * `auth/validator` as KrakenD's krakend-jose reads it, defaults applied.
 * Parsed when the Plan is built; the middleware receives the result.
 */
export interface ValidatorConfig extends KeySourceSettings {
  alg: string;
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
  cacheMs: number;
  leewayMs: number;
  operationDebug: boolean;
}

export const validatorSettings = /* @__PURE__ */ settingsParser<ValidatorConfig>((raw, problems) => {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const c = raw as Record<string, unknown>;
  const strs = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  if (c.cache !== true && c.cache_duration !== undefined) {
    problems.warn('/cache_duration', 'cache_duration is ignored without "cache": true: the keys are fetched again for every new token', 'Add "cache": true, or remove cache_duration.');
  }
  const issuer = nonEmpty(c.issuer);
  const cookieKey = nonEmpty(c.cookie_key);
  return {
    alg: nonEmpty(c.alg) ?? 'RS256',
    ...keySourceSettings(c, problems),
    ...(issuer ? { issuer } : {}),
    audience: strs(c.audience),
    roles: strs(c.roles),
    rolesKey: nonEmpty(c.roles_key) ?? 'roles',
    rolesKeyIsNested: c.roles_key_is_nested === true,
    scopes: strs(c.scopes),
    scopesKey: nonEmpty(c.scopes_key) ?? 'scope',
    scopesMatcher: c.scopes_matcher === 'all' ? 'all' : 'any',
    propagateClaims: (Array.isArray(c.propagate_claims) ? c.propagate_claims : [])
      .filter((p): p is [string, string] => Array.isArray(p) && typeof p[0] === 'string' && typeof p[1] === 'string'),
    ...(cookieKey ? { cookieKey } : {}),
    authHeaderName: nonEmpty(c.auth_header_name) ?? 'Authorization',
    cacheMs: c.cache === true ? (typeof c.cache_duration === 'number' && c.cache_duration > 0 ? c.cache_duration : 900) * 1000 : 0,
    leewayMs: goDurationMs(c.leeway, 1000),
    operationDebug: c.operation_debug === true,
  };
});
