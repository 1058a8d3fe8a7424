/**
 * `auth/signer` as krakend-jose reads it: the algorithm, the `kid` of the
 * signing key in the JWK set, the response fields to sign, and where the
 * keys are. Parsed when the Plan is built; the finisher receives the result.
 */
import { settingsParser } from '../../plan/settings.js';
import { keySourceSettings, nonEmpty, type KeySourceSettings } from '../validator/key-source-settings.js';

export interface SignerSettings extends KeySourceSettings {
  alg: string;
  kid?: string;
  keysToSign: string[];
}

export const signerSettings = /* @__PURE__ */ settingsParser<SignerSettings>((raw, problems) => {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const c = raw as Record<string, unknown>;
  const kid = nonEmpty(c.kid);
  const keysToSign = Array.isArray(c.keys_to_sign) ? c.keys_to_sign.filter((k): k is string => typeof k === 'string') : [];
  // A missing keys_to_sign is the schema's finding (schema-required); an empty list passes it.
  if (Array.isArray(c.keys_to_sign) && keysToSign.length === 0) {
    problems.warn('/keys_to_sign', 'keys_to_sign names no field: the answer is passed through unsigned', 'List the response fields to sign, e.g. ["access_token", "refresh_token"].');
  }
  return { alg: nonEmpty(c.alg) ?? 'RS256', ...(kid ? { kid } : {}), keysToSign, ...keySourceSettings(c, problems) };
});
