/**
 * IAM JWT verification (spec A5, hanzoai/authz `Verify` + `edge.Verifier`),
 * on top of jose. Order of checks:
 *
 * 1. header: `alg` in RS256/RS512/ES256/ES384/ES512 (`none`, HS*, RS384, PS*
 *    and MLDSA65 — which has no verifier in the gateway — are refused before
 *    any key is looked at, which also closes the RSA-public-key-as-HMAC-secret
 *    confusion); `kid` present;
 * 2. signature, with the keys published under that kid only (several are tried);
 * 3. `exp` required, `exp`/`nbf` with 2 minutes leeway, `iat` not checked;
 * 4. issuer: verbatim member of the allowlist (primary + WHITELABEL_ISSUERS);
 * 5. audience: ANY `aud` element verbatim in the allowlist (an ALL-of check
 *    would refuse real multi-audience tokens).
 *
 * Any failure is a `TokenRejectedError` whose message becomes the 401
 * `detail`; the wording is free text (Go's is not pinned by tests either).
 */
import { decodeProtectedHeader, errors, importJWK, jwtVerify, type CryptoKey, type JWTPayload } from 'jose';
import { JwksUnavailableError, type JwksKeyStore, type PublishedKey } from './jwks-key-store.js';
import { VerifiedTokenCache, type TokenHeader } from './verified-token-cache.js';

export const ACCEPTED_ALGORITHMS = ['RS256', 'RS512', 'ES256', 'ES384', 'ES512'] as const;
export type AcceptedAlgorithm = (typeof ACCEPTED_ALGORITHMS)[number];

/** Leeway on `exp` and `nbf`, in seconds. */
export const CLOCK_SKEW_SECONDS = 120;

export class TokenRejectedError extends Error {}

export interface IamJwtVerifierOptions {
  issuers: readonly string[];
  audiences: readonly string[];
  keys: JwksKeyStore;
}

export class IamJwtVerifier {
  private readonly issuers: ReadonlySet<string>;
  private readonly audiences: ReadonlySet<string>;
  private readonly keys: JwksKeyStore;
  /** Imported CryptoKeys per published key and algorithm (WebCrypto keys are bound to one algorithm). */
  private readonly imported = new WeakMap<PublishedKey, Map<AcceptedAlgorithm, Promise<CryptoKey>>>();
  /** Tokens that passed every check below, with the key that verified them. */
  private readonly verified = new VerifiedTokenCache(CLOCK_SKEW_SECONDS);

  constructor(options: IamJwtVerifierOptions) {
    this.issuers = new Set(options.issuers);
    this.audiences = new Set(options.audiences);
    this.keys = options.keys;
  }

  /** The verified payload, or a TokenRejectedError. */
  async verify(token: string): Promise<JWTPayload> {
    const held = this.verified.lookup(token);
    const header = (held?.header as TokenHeader<AcceptedAlgorithm> | undefined) ?? readHeader(token);
    const { alg, kid } = header;
    let published: readonly PublishedKey[];
    try {
      published = await this.keys.keysFor(kid);
    } catch (err) {
      if (err instanceof JwksUnavailableError) throw new TokenRejectedError(`edge: ${err.message}`);
      throw err;
    }
    const cached = held && this.verified.valid(token, held, published);
    if (cached !== undefined) return cached;
    const candidates = published.filter((k) => fitsAlgorithm(k, alg));
    if (candidates.length === 0) throw new TokenRejectedError(`authz: token is unverifiable: no ${alg} key published for kid "${kid}"`);

    let payload: JWTPayload | undefined;
    let verifiedBy: PublishedKey | undefined;
    for (const candidate of candidates) {
      try {
        const key = await this.cryptoKey(candidate, alg);
        ({ payload } = await jwtVerify(token, key, { algorithms: [alg], clockTolerance: CLOCK_SKEW_SECONDS, requiredClaims: ['exp'] }));
        verifiedBy = candidate;
        break;
      } catch (err) {
        if (err instanceof errors.JWSSignatureVerificationFailed) continue;
        throw rejection(err);
      }
    }
    if (payload === undefined) throw new TokenRejectedError('authz: token signature is invalid');

    const iss = payload.iss;
    if (typeof iss !== 'string' || iss === '') throw new TokenRejectedError('authz: token has no issuer');
    if (!this.issuers.has(iss)) throw new TokenRejectedError(`authz: issuer ${JSON.stringify(iss)} is not trusted`);

    if (this.audiences.size > 0) {
      const aud = audienceList(payload.aud);
      if (!aud.some((a) => this.audiences.has(a))) throw new TokenRejectedError(`edge: audience [${aud.join(' ')}] is not accepted here`);
    }
    this.verified.set(token, header, verifiedBy!, payload);
    return payload;
  }

  private cryptoKey(key: PublishedKey, alg: AcceptedAlgorithm): Promise<CryptoKey> {
    let perAlg = this.imported.get(key);
    if (!perAlg) {
      perAlg = new Map();
      this.imported.set(key, perAlg);
    }
    let pending = perAlg.get(alg);
    if (!pending) {
      pending = importJWK(key.jwk, alg) as Promise<CryptoKey>;
      perAlg.set(alg, pending);
    }
    return pending;
  }
}

function readHeader(token: string): TokenHeader<AcceptedAlgorithm> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    if (token.split('.').length !== 3) throw new Error('not a compact JWS');
    header = decodeProtectedHeader(token);
  } catch (err) {
    throw new TokenRejectedError(`authz: token is malformed: ${err instanceof Error ? err.message : String(err)}`);
  }
  const alg = header.alg;
  if (typeof alg !== 'string' || !(ACCEPTED_ALGORITHMS as readonly string[]).includes(alg)) {
    throw new TokenRejectedError(`authz: token is unverifiable: signing method ${typeof alg === 'string' ? alg : '(none)'} is not accepted`);
  }
  const kid = header.kid;
  if (typeof kid !== 'string' || kid === '') throw new TokenRejectedError('authz: token is unverifiable: no key id');
  return { alg: alg as AcceptedAlgorithm, kid };
}

function fitsAlgorithm(key: PublishedKey, alg: AcceptedAlgorithm): boolean {
  const jwk = key.jwk;
  switch (alg) {
    case 'RS256':
    case 'RS512':
      return jwk.kty === 'RSA';
    case 'ES256':
      return jwk.kty === 'EC' && jwk.crv === 'P-256';
    case 'ES384':
      return jwk.kty === 'EC' && jwk.crv === 'P-384';
    case 'ES512':
      return jwk.kty === 'EC' && jwk.crv === 'P-521';
  }
}

/** `aud` as a list; a value of another JSON type makes the token invalid (Go's typed decode). */
function audienceList(aud: unknown): string[] {
  if (aud === undefined || aud === null) return [];
  if (typeof aud === 'string') return [aud];
  if (Array.isArray(aud) && aud.every((a) => typeof a === 'string')) return aud as string[];
  throw new TokenRejectedError('authz: token is malformed: aud must be a string or an array of strings');
}

function rejection(err: unknown): TokenRejectedError {
  if (err instanceof TokenRejectedError) return err;
  if (err instanceof errors.JWTExpired) return new TokenRejectedError('authz: token has invalid claims: token is expired');
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'nbf' && err.reason === 'check_failed') return new TokenRejectedError('authz: token has invalid claims: token is not valid yet');
    if (err.reason === 'missing') return new TokenRejectedError(`authz: token has invalid claims: token is missing required claim: ${err.claim}`);
    return new TokenRejectedError(`authz: token has invalid claims: ${err.message}`);
  }
  if (err instanceof errors.JOSEError || err instanceof TypeError) return new TokenRejectedError(`authz: token is invalid: ${err.message}`);
  return new TokenRejectedError(`authz: ${err instanceof Error ? err.message : String(err)}`);
}
