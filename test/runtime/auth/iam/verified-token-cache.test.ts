import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { JwksKeyStore } from '../../../../runtime/auth/iam/jwks-key-store.js';
import { IamJwtVerifier } from '../../../../runtime/auth/iam/jwt-verifier.js';
import { aliceClaims, AUDIENCE, ISSUER, makeSigningKey, nowSeconds, signToken, startJwksServer, type SigningKey } from './iam-test-kit.js';

/**
 * A token verified once is not checked again while nothing it depends on has
 * changed — and whenever something has, it gets the full check's answer: a
 * key taken out of the JWKS and a token that has since expired are refused
 * exactly as on first sight.
 */

let rsa: SigningKey;
let other: SigningKey;
beforeAll(async () => {
  rsa = await makeSigningKey('RS256', 'k1');
  other = await makeSigningKey('RS256', 'k2');
});

afterEach(() => {
  vi.useRealTimers();
});

/** A real JWKS server serving `keys` for the length of `run`. */
async function withJwks(keys: SigningKey[], run: (jwks: Awaited<ReturnType<typeof startJwksServer>>) => Promise<void>): Promise<void> {
  const jwks = await startJwksServer(keys.map((k) => k.jwk));
  try {
    await run(jwks);
  } finally {
    await jwks.stop();
  }
}

function verifier(url: string, ttlMs = 60_000): IamJwtVerifier {
  return new IamJwtVerifier({ issuers: [ISSUER], audiences: [AUDIENCE], keys: new JwksKeyStore({ url, ttlMs, refreshCooldownMs: 0 }) });
}

describe('IAM token verification cache', () => {
  it('answers a repeated token with the same claims, and refuses it once its key is no longer published', async () => {
    await withJwks([rsa, other], async (jwks) => {
      const v = verifier(jwks.url, 1);
      const token = await signToken(rsa, aliceClaims());
      const first = await v.verify(token);
      expect(await v.verify(token)).toEqual(first);
      expect(first.sub).toBe('alice');
      // Rotation: k1 is withdrawn; the store re-downloads (TTL 1 ms) and the cached answer must not survive it.
      jwks.setKeys([other.jwk]);
      await expect.poll(() => v.verify(token).then(() => 'accepted', (e: Error) => e.message)).toMatch(/no RS256 key published for kid "k1"/);
      // A token of the key still published keeps verifying.
      expect((await v.verify(await signToken(other, aliceClaims()))).sub).toBe('alice');
    });
  });

  it('refuses a cached token once it has expired (past the two minutes of leeway), with the full check\'s error', async () => {
    await withJwks([rsa], async (jwks) => {
      const v = verifier(jwks.url);
      const token = await signToken(rsa, aliceClaims({ exp: nowSeconds() + 60 }));
      expect((await v.verify(token)).sub).toBe('alice');
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() + 170_000); // about exp + 110 s: still inside the leeway
      expect((await v.verify(token)).sub).toBe('alice');
      vi.setSystemTime(Date.now() + 20_000); // about exp + 130 s
      await expect(v.verify(token)).rejects.toThrow('authz: token has invalid claims: token is expired');
    });
  });

  it('refuses a cached-looking token whose signature was altered (the cache is keyed by the whole token)', async () => {
    await withJwks([rsa], async (jwks) => {
      const v = verifier(jwks.url);
      const token = await signToken(rsa, aliceClaims());
      await v.verify(token);
      const [h, p, s] = token.split('.') as [string, string, string];
      const altered = `${h}.${p}.${s.slice(0, -4)}${s.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
      await expect(v.verify(altered)).rejects.toThrow('authz: token signature is invalid');
    });
  });
});
