/**
 * Where `auth/validator` and `auth/signer` get their keys, as krakend-jose
 * reads it: `jwk_url` (https unless `disable_jwk_security`) or
 * `jwk_local_path`, and how long to wait before fetching the set again after
 * an unknown kid. Read when the Plan is built.
 */
import { goDurationMs } from '../../shared/go/go-duration.js';
import type { Problems } from '../../plan/settings.js';

export interface KeySourceSettings {
  jwkUrl?: string;
  jwkLocalPath?: string;
  disableJwkSecurity: boolean;
  cooldownMs: number;
}

export function keySourceSettings(c: Record<string, unknown>, problems: Problems): KeySourceSettings {
  const jwkUrl = nonEmpty(c.jwk_url);
  const jwkLocalPath = nonEmpty(c.jwk_local_path);
  const disableJwkSecurity = c.disable_jwk_security === true;
  // Neither key is the schema's finding (schema-required); an empty one passes it but gives no keys either.
  if (!jwkUrl && !jwkLocalPath && (c.jwk_url !== undefined || c.jwk_local_path !== undefined)) {
    problems.error(c.jwk_url !== undefined ? '/jwk_url' : '/jwk_local_path', 'jwk_url and jwk_local_path are empty: the gateway refuses to start without keys', 'Set "jwk_url" (the issuer\'s JWK set, e.g. https://issuer/.well-known/jwks.json) or "jwk_local_path".');
  } else if (jwkUrl?.startsWith('http:') && !jwkLocalPath && !disableJwkSecurity) {
    problems.warn('/jwk_url', `jwk_url ${JSON.stringify(jwkUrl)} is plain http: the keys are not fetched (unless a host map sends it elsewhere), so every token is refused`, 'Use an https:// key server, or set "disable_jwk_security": true (development only).');
  }
  return {
    ...(jwkUrl ? { jwkUrl } : {}),
    ...(jwkLocalPath ? { jwkLocalPath } : {}),
    disableJwkSecurity,
    cooldownMs: goDurationMs(c.failed_jwk_key_cooldown, 10_000),
  };
}

export function nonEmpty(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}
