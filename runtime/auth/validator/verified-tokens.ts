import type { JWTPayload } from 'jose';

/**
 * Tokens this validator already verified, so a client's next requests skip the
 * signature check (an RS256 verify costs more than the rest of a no-op
 * request). An entry lives until the token expires, and at most a minute, so
 * a key removed from the JWK set stops working within a minute. Bounded:
 * the oldest entries go first.
 */
const MAX_ENTRIES = 10_000;
const MAX_AGE_MS = 60_000;

export class VerifiedTokens {
  private readonly entries = new Map<string, { claims: JWTPayload; until: number }>();

  get(token: string, now = Date.now()): JWTPayload | undefined {
    const e = this.entries.get(token);
    if (!e) return undefined;
    if (e.until > now) return e.claims;
    this.entries.delete(token);
    return undefined;
  }

  set(token: string, claims: JWTPayload, leewayMs: number, now = Date.now()): void {
    const expires = typeof claims.exp === 'number' ? claims.exp * 1000 + leewayMs : now + MAX_AGE_MS;
    // Not yet valid tokens are not cached: they must be checked again when their time comes.
    if (typeof claims.nbf === 'number' && claims.nbf * 1000 > now) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(token, { claims, until: Math.min(expires, now + MAX_AGE_MS) });
  }

  get size(): number {
    return this.entries.size;
  }
}
