import { CompactSign } from 'jose';
import type { EndpointPlan } from '../../plan/plan.js';
import { encodeJson } from '../../shared/json/encode-json.js';
import { isJsonObject, type JsonObject } from '../../shared/json/json-number.js';
import type { ResponseFinisher } from '../../core/endpoint-context.js';
import { JwkKeys } from '../validator/jwk-keys.js';
import { goDurationMs } from '../../shared/go/go-duration.js';

/**
 * KrakenD's `auth/signer`: the endpoint's answer is not rendered as usual;
 * each key in `keys_to_sign` is replaced by a compact JWS of its value
 * (protected header `{"alg","kid","typ":"JWT"}`, payload Go-encoded JSON),
 * signed with the `kid` key of the JWK set, and the result is written as JSON
 * without the completed header or Cache-Control. Any failure is a 400.
 */
export function jwtSigner(endpoint: EndpointPlan): ResponseFinisher {
  const c = (endpoint.extraConfig['auth/signer'] ?? {}) as Record<string, unknown>;
  const alg = typeof c.alg === 'string' ? c.alg : 'RS256';
  const kid = typeof c.kid === 'string' ? c.kid : undefined;
  const keysToSign = Array.isArray(c.keys_to_sign) ? c.keys_to_sign.filter((k): k is string => typeof k === 'string') : [];
  const keys = new JwkKeys({
    url: typeof c.jwk_url === 'string' ? c.jwk_url : undefined,
    allowInsecure: c.disable_jwk_security === true,
    localPath: typeof c.jwk_local_path === 'string' ? c.jwk_local_path : undefined,
    cacheMs: 15 * 60_000,
    cooldownMs: goDurationMs(c.failed_jwk_key_cooldown, 10_000),
  });
  return async (data: JsonObject) => {
    const key = await keys.keyFor({ kid, alg }, alg);
    const out: JsonObject = { ...data };
    for (const name of keysToSign) {
      const value = data[name];
      if (value === undefined) continue;
      if (!isJsonObject(value)) throw new Error(`auth/signer: ${name} is not an object`);
      const header = kid === undefined ? { alg, typ: 'JWT' } : { alg, kid, typ: 'JWT' };
      out[name] = await new CompactSign(Buffer.from(encodeJson(value))).setProtectedHeader(header).sign(key);
    }
    return out;
  };
}
