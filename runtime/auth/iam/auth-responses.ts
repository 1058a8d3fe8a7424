/**
 * The answers the auth gate gives instead of passing a request on (spec A11):
 * JSON bodies encoded as Go's json.Marshal writes a map (keys sorted,
 * HTML-safe escapes), `application/json; charset=utf-8` as gin's c.JSON sets
 * it, and no WWW-Authenticate or Retry-After header.
 */
import type { ServerResponse } from 'node:http';
import type { Branding } from '../../shared/branding.js';
import { encodeJson } from '../../shared/json/encode-json.js';
import { writeGatewayError } from '../../core/responses.js';

const JSON_TYPE = 'application/json; charset=utf-8';

export type AuthRefusal =
  | { kind: 'authentication-required' }
  | { kind: 'invalid-token'; detail: string }
  | { kind: 'insufficient-balance'; billingUser: string }
  | { kind: 'billing-unavailable' };

export function refusalStatus(refusal: AuthRefusal): number {
  switch (refusal.kind) {
    case 'authentication-required':
    case 'invalid-token':
      return 401;
    case 'insufficient-balance':
      return 402;
    case 'billing-unavailable':
      return 503;
  }
}

export function refusalBody(refusal: AuthRefusal): string {
  switch (refusal.kind) {
    case 'authentication-required':
      return encodeJson({ error: 'unauthorized', message: 'Authentication required' });
    case 'invalid-token':
      return encodeJson({ detail: refusal.detail, error: 'unauthorized', message: 'Invalid token' });
    case 'insufficient-balance':
      return encodeJson({
        error: 'insufficient_balance',
        message: 'Your account has insufficient balance. Please add funds at the platform billing page',
        user: refusal.billingUser,
      });
    case 'billing-unavailable':
      return encodeJson({ error: 'billing_unavailable', message: 'Billing is temporarily unavailable. Please retry shortly.' });
  }
}

export function writeAuthRefusal(res: ServerResponse, brand: Branding, refusal: AuthRefusal): void {
  writeGatewayError(res, brand, refusalStatus(refusal), refusalBody(refusal), JSON_TYPE);
}
