import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { exportSPKI, SignJWT } from 'jose';
import {
  aliceClaims,
  deadUrl,
  handmadeToken,
  ISSUER,
  makeSigningKey,
  nowSeconds,
  signToken,
  startGateway,
  startJwksServer,
  type JwksServer,
  type SigningKey,
  type TestGateway,
} from './iam-test-kit.js';

let rsa: SigningKey;
let ec: SigningKey;
let jwks: JwksServer;
let gw: TestGateway;
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  rsa = await makeSigningKey('RS256', 'rsa-1');
  ec = await makeSigningKey('ES256', 'ec-1');
  jwks = await startJwksServer([rsa.jwk, ec.jwk]);
  gw = await startGateway({ AUTH_JWKS_URL: jwks.url, WHITELABEL_ISSUERS: 'https://lux.id' });
});
afterAll(async () => {
  await gw.close();
  await jwks.stop();
});
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const bearer = (token: string) => ['Authorization', `Bearer ${token}`];

async function expectInvalid(token: string, detail?: RegExp) {
  const r = await gw.send('/v1/things', bearer(token));
  expect(r.status).toBe(401);
  expect(r.echoed).toBeUndefined();
  expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(r.headers['www-authenticate']).toBeUndefined();
  const body = JSON.parse(r.body) as Record<string, string>;
  expect(Object.keys(body)).toEqual(['detail', 'error', 'message']);
  expect(body.error).toBe('unauthorized');
  expect(body.message).toBe('Invalid token');
  if (detail) expect(body.detail).toMatch(detail);
}

describe('JWT verification against the IAM JWKS', () => {
  it('accepts a valid RS256 token and a valid ES256 token', async () => {
    for (const key of [rsa, ec]) {
      const r = await gw.send('/v1/things', bearer(await signToken(key, aliceClaims())));
      expect(r.status).toBe(200);
      expect(r.echoed?.headers['x-user-id']).toBe('alice');
    }
  });

  it('accepts the token from an IAM cookie and from X-Authorization', async () => {
    const token = await signToken(rsa, aliceClaims());
    const viaCookie = await gw.send('/v1/things', ['Cookie', `theme=dark; hanzo_iam_token=${token}`]);
    expect(viaCookie.echoed?.headers['x-user-id']).toBe('alice');
    const viaX = await gw.send('/v1/things', ['X-Authorization', `Bearer ${token}`]);
    expect(viaX.echoed?.headers['x-user-id']).toBe('alice');
  });

  it('rejects an expired token, allowing two minutes of clock skew', async () => {
    await expectInvalid(await signToken(rsa, aliceClaims({ iat: nowSeconds() - 900, exp: nowSeconds() - 300 })), /expired/);
    const skewed = await gw.send('/v1/things', bearer(await signToken(rsa, aliceClaims({ exp: nowSeconds() - 60 }))));
    expect(skewed.status).toBe(200);
  });

  it('rejects a token that is not yet valid, allowing two minutes of clock skew', async () => {
    await expectInvalid(await signToken(rsa, aliceClaims({ nbf: nowSeconds() + 300 })), /not valid yet/);
    const skewed = await gw.send('/v1/things', bearer(await signToken(rsa, aliceClaims({ nbf: nowSeconds() + 60 }))));
    expect(skewed.status).toBe(200);
  });

  it('requires exp', async () => {
    const claims = aliceClaims();
    delete claims.exp;
    await expectInvalid(await signToken(rsa, claims), /exp/);
  });

  it('rejects issuers outside the allowlist, verbatim, and accepts a whitelabel issuer', async () => {
    for (const iss of ['', ' ', 'https://evil.com', 'https://hanzo.id.evil.com', 'https://hanzo.id/', 'https://sub.hanzo.id', 'HTTPS://HANZO.ID']) {
      await expectInvalid(await signToken(rsa, aliceClaims({ iss })));
    }
    const noIss = aliceClaims();
    delete noIss.iss;
    await expectInvalid(await signToken(rsa, noIss));
    await expectInvalid(await signToken(rsa, aliceClaims({ iss: 'https://evil.com' })), /issuer "https:\/\/evil.com" is not trusted/);
    expect((await gw.send('/v1/things', bearer(await signToken(rsa, aliceClaims({ iss: 'https://lux.id' }))))).status).toBe(200);
  });

  it('accepts a token when ANY aud element is allowed, rejects when none is', async () => {
    await expectInvalid(await signToken(rsa, aliceClaims({ aud: 'evil-client' })), /audience \[evil-client\] is not accepted/);
    await expectInvalid(await signToken(rsa, aliceClaims({ aud: ['evil-client', 'other'] })));
    const noAud = aliceClaims();
    delete noAud.aud;
    await expectInvalid(await signToken(rsa, noAud));
    const many = await gw.send('/v1/things', bearer(await signToken(rsa, aliceClaims({ aud: ['evil-client', 'hanzo-console'] }))));
    expect(many.status).toBe(200);
  });

  it('rejects an unknown kid and a missing kid', async () => {
    const stranger = await makeSigningKey('RS256', 'not-published');
    await expectInvalid(await signToken(stranger, aliceClaims()), /not-published/);
    const noKid = await new SignJWT(aliceClaims()).setProtectedHeader({ alg: 'RS256' }).sign(rsa.privateKey);
    await expectInvalid(noKid, /no key id/);
  });

  it('rejects a token signed by another key under a published kid', async () => {
    const impostor = await makeSigningKey('RS256', 'rsa-1');
    await expectInvalid(await signToken(impostor, aliceClaims()), /signature/);
  });

  it('rejects alg none, with or without a signature', async () => {
    await expectInvalid(handmadeToken({ alg: 'none', kid: 'rsa-1', typ: 'JWT' }, aliceClaims()), /none/);
    await expectInvalid(handmadeToken({ alg: 'none', kid: 'rsa-1' }, aliceClaims(), 'AAAA'));
    await expectInvalid(handmadeToken({ alg: 'None', kid: 'rsa-1' }, aliceClaims()));
  });

  it('rejects HS256 signed with the RSA public key as the HMAC secret (algorithm confusion)', async () => {
    const pem = await exportSPKI(rsa.publicKey);
    for (const secret of [pem, JSON.stringify(rsa.jwk)]) {
      const forged = await new SignJWT(aliceClaims({ orgs: [{ org: 'admin', role: 'owner' }] }))
        .setProtectedHeader({ alg: 'HS256', kid: 'rsa-1' })
        .sign(new TextEncoder().encode(secret));
      await expectInvalid(forged, /HS256/);
    }
  });

  it('rejects algorithms outside the Era C list even when the key would verify (RS384, PS256)', async () => {
    for (const alg of ['RS384', 'PS256'] as const) {
      const key = await makeSigningKey(alg, `k-${alg}`);
      const local = await startJwksServer([key.jwk]);
      const g = await startGateway({ AUTH_JWKS_URL: local.url });
      cleanups.push(() => local.stop(), () => g.close());
      const r = await g.send('/v1/things', bearer(await signToken(key, aliceClaims())));
      expect(r.status).toBe(401);
      expect(local.hits).toBe(0);
    }
  });

  it('rejects a tampered payload', async () => {
    const token = await signToken(rsa, aliceClaims());
    const [h, p, s] = token.split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
    payload.sub = 'mallory';
    payload.orgs = [{ org: 'admin', role: 'owner' }];
    await expectInvalid(`${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`, /signature/);
    await expectInvalid(`${h}.${p}.${s.slice(0, -4)}AAAA`);
  });

  it('rejects garbage that is not a JWT', async () => {
    for (const t of ['not-a-valid-token', 'random-token', 'a.b.c', 'xx-fake-key', 'sk']) await expectInvalid(t);
  });

  it('rejects a verified token whose used claims have the wrong type', async () => {
    await expectInvalid(await signToken(rsa, aliceClaims({ isAdmin: 'true' })), /isAdmin/);
  });
});

describe('JWKS cache', () => {
  it('starts without the JWKS server, fetches lazily on the first token, and recovers when IAM comes up', async () => {
    const url = await deadUrl();
    const g = await startGateway({ AUTH_JWKS_URL: url });
    cleanups.push(() => g.close());
    expect((await g.send('/healthz')).status).toBe(200);
    expect((await g.send('/v1/things')).status).toBe(200);
    const token = await signToken(rsa, aliceClaims());
    const down = await g.send('/v1/things', bearer(token));
    expect(down.status).toBe(401);
    expect(JSON.parse(down.body).detail).toMatch(/jwks/);

    const server = await startJwksServer([rsa.jwk], Number(new URL(url).port));
    cleanups.push(() => server.stop());
    const up = await g.send('/v1/things', bearer(token));
    expect(up.status).toBe(200);
  });

  it('downloads once and keeps using held keys when the JWKS server goes down, also past the TTL', async () => {
    const local = await startJwksServer([rsa.jwk]);
    // TTL and cooldown are parameters: the second request lands inside the TTL, the stale one after both.
    const ttlMs = 1000;
    const g = await startGateway({ AUTH_JWKS_URL: local.url }, { keyCache: { ttlMs, refreshCooldownMs: ttlMs } });
    cleanups.push(() => g.close());
    const token = await signToken(rsa, aliceClaims());
    const firstSent = Date.now(); // the download starts after this
    expect((await g.send('/v1/things', bearer(token))).status).toBe(200);
    const loaded = Date.now(); // and was done by this
    expect((await g.send('/v1/things', bearer(token))).status).toBe(200);
    expect(Date.now() - firstSent, 'the second request landed inside the TTL (else this run proves nothing)').toBeLessThan(ttlMs);
    expect(local.hits).toBe(1);
    await local.stop();
    expect((await g.send('/v1/things', bearer(token))).status).toBe(200);
    const left = loaded + ttlMs + 20 - Date.now();
    if (left > 0) await new Promise((r) => setTimeout(r, left));
    const stale = await g.send('/v1/things', bearer(token));
    expect(stale.status).toBe(200);
    expect(g.logs.some((l) => l.includes('JWKS refresh') && l.includes('keeping the keys held'))).toBe(true);
  });

  it('picks up a rotated key on an unknown kid, and does not refetch for every unknown kid', async () => {
    const next = await makeSigningKey('ES256', 'ec-2');
    const stranger = await makeSigningKey('RS256', 'random-kid');
    const [oldToken, newToken, strangerToken] = await Promise.all([signToken(rsa, aliceClaims()), signToken(next, aliceClaims()), signToken(stranger, aliceClaims())]);
    const local = await startJwksServer([rsa.jwk]);
    cleanups.push(() => local.stop());
    // The waits below derive from the cooldown: long enough that five local requests surely fit inside one.
    const cooldownMs = 1500;
    const g = await startGateway({ AUTH_JWKS_URL: local.url }, { keyCache: { refreshCooldownMs: cooldownMs } });
    cleanups.push(() => g.close());
    expect((await g.send('/v1/things', bearer(oldToken))).status).toBe(200);
    const firstDone = Date.now(); // the first download started before this
    expect(local.hits).toBe(1);

    local.setKeys([next.jwk]);
    const left = firstDone + cooldownMs - Date.now();
    if (left > 0) await new Promise((r) => setTimeout(r, left)); // a late timer only waits longer
    const secondSent = Date.now(); // the second download starts after this
    expect((await g.send('/v1/things', bearer(newToken))).status).toBe(200);
    expect(local.hits).toBe(2);

    // Within the cooldown, unknown kids are refused without another download.
    for (let i = 0; i < 5; i++) expect((await g.send('/v1/things', bearer(strangerToken))).status).toBe(401);
    expect(local.hits).toBe(2);
    expect(Date.now() - secondSent, 'the five requests landed inside the cooldown (else this run proves nothing)').toBeLessThan(cooldownMs);
    // The held set is the new one: the retired key no longer verifies.
    expect((await g.send('/v1/things', bearer(newToken))).status).toBe(200);
    expect((await g.send('/v1/things', bearer(oldToken))).status).toBe(401);
  });

  it('shares one download among concurrent first requests', async () => {
    const local = await startJwksServer([rsa.jwk]);
    cleanups.push(() => local.stop());
    const g = await startGateway({ AUTH_JWKS_URL: local.url });
    cleanups.push(() => g.close());
    const token = await signToken(rsa, aliceClaims());
    const replies = await Promise.all(Array.from({ length: 8 }, () => g.send('/v1/things', bearer(token))));
    expect(replies.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(local.hits).toBe(1);
  });

  it('skips unusable JWKS entries (no kid, enc use, weak exponent, off-curve point)', async () => {
    const good = await makeSigningKey('RS256', 'good');
    const other = await makeSigningKey('ES256', 'bad-point');
    const entries = [
      { ...rsa.jwk, kid: undefined },
      { ...rsa.jwk, kid: 'enc', use: 'enc' },
      { ...rsa.jwk, kid: 'even', e: Buffer.from([0x01, 0x00, 0x00]).toString('base64url') },
      { ...other.jwk, y: other.jwk.x },
      { kty: 'MLDSA', kid: 'pq', pub: 'AAAA' },
      good.jwk,
    ];
    const local = await startJwksServer(entries as never);
    cleanups.push(() => local.stop());
    const g = await startGateway({ AUTH_JWKS_URL: local.url });
    cleanups.push(() => g.close());
    expect((await g.send('/v1/things', bearer(await signToken(good, aliceClaims())))).status).toBe(200);
    expect((await g.send('/v1/things', bearer(await signToken(other, aliceClaims())))).status).toBe(401);
    const enc = await signToken({ ...rsa, kid: 'enc' }, aliceClaims());
    expect((await g.send('/v1/things', bearer(enc))).status).toBe(401);
    const even = await signToken({ ...rsa, kid: 'even' }, aliceClaims());
    expect((await g.send('/v1/things', bearer(even))).status).toBe(401);
  });

  it('issuer check uses the configured AUTH_ISSUER', async () => {
    const g = await startGateway({ AUTH_JWKS_URL: jwks.url, AUTH_ISSUER: 'https://id.example' });
    cleanups.push(() => g.close());
    expect((await g.send('/v1/things', bearer(await signToken(rsa, aliceClaims())))).status).toBe(401);
    expect((await g.send('/v1/things', bearer(await signToken(rsa, aliceClaims({ iss: 'https://id.example' }))))).status).toBe(200);
    expect(ISSUER).toBe('https://hanzo.id');
  });
});
