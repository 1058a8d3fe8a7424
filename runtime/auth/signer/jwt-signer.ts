import { CompactSign } from 'jose';
import type { EndpointPlan } from '../../plan/plan.js';
import { encodeJson } from '../../shared/json/encode-json.js';
import { isJsonObject, type JsonObject } from '../../shared/json/json-number.js';
import type { ResponseFinisher } from '../../core/endpoint-context.js';
import { JwkKeys } from '../validator/jwk-keys.js';

/**
 * KrakenD's `auth/signer`: the endpoint's answer is not rendered as usual;
 * each key in `keys_to_sign` is replaced by a compact JWS of its value
 * (protected header `{"alg","kid","typ":"JWT"}`, payload Go-encoded JSON),
 * signed with the `kid` key of the JWK set, and the result is written as JSON
 * without the completed header or Cache-Control. Any failure is a 400.
 */
export function jwtSigner(endpoint: EndpointPlan): ResponseFinisher {
  const c = endpoint.settings['auth/signer'];
  if (!c) throw new Error(`${endpoint.method} ${endpoint.endpoint}: auth/signer is not an object`);
  const { alg, kid, keysToSign } = c;
  const keys = new JwkKeys({ url: c.jwkUrl, allowInsecure: c.disableJwkSecurity, localPath: c.jwkLocalPath, cacheMs: 15 * 60_000, cooldownMs: c.cooldownMs });
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
