/**
 * Verified IAM tokens, so a client sending the same JWT on every request pays
 * for the signature check once: RS256 through WebCrypto costs more than the
 * whole rest of a no-op request. A hit gives the same answer a full check
 * would, because everything that check depends on besides the token text is
 * re-checked on the hit:
 *
 * - the key that verified it must still be published under its kid — a key
 *   set download builds new key objects, so any refresh (rotation or not)
 *   sends the token through the full check again;
 * - `exp` and `nbf` are compared with the clock as jose compares them
 *   (whole seconds, the same leeway), so an expiring token fails exactly when
 *   it would have, with the full check's error.
 *
 * Issuer and audience depend on the token and the fixed configuration only.
 * Only verified tokens are stored (a forger cannot fill the cache), at most
 * MAX_ENTRIES of at most MAX_TOKEN_LENGTH characters; the oldest goes first.
 */
import type { JWTPayload } from 'jose';
import type { PublishedKey } from './jwks-key-store.js';

const MAX_ENTRIES = 4096;
const MAX_TOKEN_LENGTH = 8192;

/** What the token's protected header names (cached so a hit does not decode it again). */
export interface TokenHeader<Alg extends string = string> {
  alg: Alg;
  kid: string;
}

export interface VerifiedToken {
  header: TokenHeader;
  key: PublishedKey;
  payload: JWTPayload;
}

export class VerifiedTokenCache {
  private readonly entries = new Map<string, VerifiedToken>();

  constructor(private readonly clockToleranceSeconds: number) {}

  /** What is held for a token verified before: its header (the text fixes it) and, through `valid`, its payload. */
  lookup(token: string): VerifiedToken | undefined {
    return this.entries.get(token);
  }

  /** The entry's payload if its key is still in `published` and the clock is inside its validity window. */
  valid(token: string, entry: VerifiedToken, published: readonly PublishedKey[]): JWTPayload | undefined {
    if (!published.includes(entry.key) || !this.inWindow(entry.payload)) {
      this.entries.delete(token);
      return undefined;
    }
    return entry.payload;
  }

  set(token: string, header: TokenHeader, key: PublishedKey, payload: JWTPayload): void {
    if (token.length > MAX_TOKEN_LENGTH) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(token, { header, key, payload });
  }

  /** jose's own test (jwt_claims_set.js): nbf <= now + leeway and exp > now - leeway, now in whole seconds. */
  private inWindow(payload: JWTPayload): boolean {
    const now = Math.floor(Date.now() / 1000);
    const tolerance = this.clockToleranceSeconds;
    if (typeof payload.nbf === 'number' && payload.nbf > now + tolerance) return false;
    return typeof payload.exp === 'number' && payload.exp > now - tolerance;
  }
}
