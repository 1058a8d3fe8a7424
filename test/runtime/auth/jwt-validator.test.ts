import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { compactVerify, exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { base } from '../../helpers/check.js';
import { startRuntime } from '../../helpers/gateway.js';
import { echoHandler, headerLines, request, startServer, type EchoedRequest, type TestServer } from '../../helpers/servers.js';

/**
 * auth/validator and auth/signer against a real JWKS server and real RS256 /
 * ES256 / HS256 tokens.
 */
let jwks: TestServer;
let jwksUp = true;
let served: JWK[] = [];
let echo: TestServer;
let gw: Awaited<ReturnType<typeof startRuntime>>;
let rsa: Awaited<ReturnType<typeof generateKeyPair>>;
let rsa2: Awaited<ReturnType<typeof generateKeyPair>>;
let ec: Awaited<ReturnType<typeof generateKeyPair>>;
let rsaPublicJwk: JWK;
const ISS = 'https://iam.example';
const AUD = 'api';
const now = () => Math.floor(Date.now() / 1000);

async function token(claims: Record<string, unknown>, opts: { key?: Parameters<SignJWT['sign']>[0]; alg?: string; kid?: string } = {}): Promise<string> {
  return new SignJWT({ iss: ISS, aud: AUD, sub: 'user-1', roles: ['reader'], scope: 'read write', exp: now() + 60, ...claims })
    .setProtectedHeader({ alg: opts.alg ?? 'RS256', kid: opts.kid ?? 'rsa-1' })
    .sign(opts.key ?? rsa.privateKey);
}

let localJwks: string;

beforeAll(async () => {
  rsa = await generateKeyPair('RS256', { extractable: true });
  rsa2 = await generateKeyPair('RS256', { extractable: true });
  ec = await generateKeyPair('ES256', { extractable: true });
  rsaPublicJwk = { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' };
  served = [rsaPublicJwk, { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256' }];
  localJwks = join(mkdtempSync(join(tmpdir(), 'hgw-jwk-')), 'jwks.json');
  writeFileSync(localJwks, JSON.stringify({ keys: [rsaPublicJwk] }));
  jwks = await startServer((_req, res) => {
    if (!jwksUp) {
      res.writeHead(503).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ keys: served }));
  });
  echo = await startServer(echoHandler);
  const validator = (extra: Record<string, unknown> = {}) => ({
    alg: 'RS256', jwk_url: `${jwks.url}/jwks`, cache: true, issuer: ISS, audience: [AUD], disable_jwk_security: true, failed_jwk_key_cooldown: '0s', ...extra,
  });
  const ep = (path: string, v: Record<string, unknown>, backend: Record<string, unknown> = {}, epExtra: Record<string, unknown> = {}) => ({
    endpoint: path, output_encoding: 'no-op', input_headers: ['X-User', 'X-Tenant'],
    backend: [{ url_pattern: '/echo', host: [echo.url], ...backend }],
    extra_config: { 'auth/validator': v }, ...epExtra,
  });
  gw = await startRuntime(
    base([
      ep('/rs', validator()),
      ep('/es', validator({ alg: 'ES256' })),
      ep('/roles', validator({ roles: ['admin', 'ops'] })),
      ep('/scopes', validator({ scopes: ['read', 'delete'], scopes_matcher: 'all' })),
      ep('/claims', validator({ propagate_claims: [['sub', 'X-User'], ['org.id', 'X-Tenant']] }), { url_pattern: '/echo/{JWT.sub}/{JWT.org.id}' }),
      ep('/cookie', validator({ cookie_key: 'session' })),
      ep('/insecure', validator({ disable_jwk_security: false })),
      ep('/local', validator({ jwk_url: undefined, jwk_local_path: localJwks })),
      {
        endpoint: '/token',
        backend: [{ url_pattern: '/echo', host: [echo.url], allow: ['nothing'] }],
        extra_config: {
          proxy: { static: { strategy: 'always', data: { access_token: { sub: 'user-1', exp: 1735689600, roles: ['a'] }, plain: 1 } } },
          'auth/signer': { alg: 'HS256', kid: 'hmac-1', keys_to_sign: ['access_token'], jwk_url: `${jwks.url}/jwks`, disable_jwk_security: true },
        },
      },
    ]),
  );
}, 30_000);

afterAll(async () => {
  await gw?.close();
  await jwks?.close();
  await echo?.close();
});

const get = (path: string, tok?: string, headers: Record<string, string> = {}) => request(`${gw.url}${path}`, { headers: { ...(tok ? { authorization: `Bearer ${tok}` } : {}), ...headers } });

describe('auth/validator', () => {
  it('accepts valid RS256 and ES256 tokens', async () => {
    expect((await get('/rs', await token({}))).status).toBe(200);
    expect((await get('/es', await token({}, { alg: 'ES256', kid: 'ec-1', key: ec.privateKey }))).status).toBe(200);
  });

  it.each([
    ['no token', async () => undefined],
    ['expired', async () => token({ exp: now() - 120 })],
    ['not yet valid', async () => token({ nbf: now() + 120 })],
    ['wrong issuer', async () => token({ iss: 'https://evil.example' })],
    ['wrong audience', async () => token({ aud: 'other' })],
    ['unknown kid', async () => token({}, { kid: 'nope' })],
    ['alg none', async () => `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify({ iss: ISS, aud: AUD, sub: 'x', exp: now() + 60 })).toString('base64url')}.`],
    ['HS256 signed with the RSA public key (alg confusion)', async () => {
      const header = Buffer.from(JSON.stringify({ alg: 'HS256', kid: 'rsa-1' })).toString('base64url');
      const payload = Buffer.from(JSON.stringify({ iss: ISS, aud: AUD, sub: 'x', exp: now() + 60 })).toString('base64url');
      const secret = JSON.stringify(rsaPublicJwk);
      return `${header}.${payload}.${createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url')}`;
    }],
    ['tampered payload', async () => {
      const [h, , s] = (await token({})).split('.');
      return `${h}.${Buffer.from(JSON.stringify({ iss: ISS, aud: AUD, sub: 'admin', exp: now() + 60 })).toString('base64url')}.${s}`;
    }],
    ['garbage', async () => 'a.bad.token'],
  ])('%s → 401 with an empty body', async (_name, make) => {
    const res = await get('/rs', await make());
    expect([res.status, res.body, res.headers['content-type']]).toEqual([401, '', undefined]);
  });

  it('checks roles (403) and scopes with the all matcher (403)', async () => {
    expect((await get('/roles', await token({ roles: ['reader'] }))).status).toBe(403);
    expect((await get('/roles', await token({ roles: ['reader', 'ops'] }))).status).toBe(200);
    expect((await get('/scopes', await token({ scope: 'read' }))).status).toBe(403);
    expect((await get('/scopes', await token({ scope: 'read delete' }))).status).toBe(200);
  });

  it('fills {JWT.claim} in url_patterns and propagates claims as headers (replacing client values)', async () => {
    const res = await get('/claims', await token({ sub: 'u-42', org: { id: 'o-7' } }), { 'x-user': 'spoofed' });
    const echoed = JSON.parse(res.body) as EchoedRequest;
    expect(echoed.url).toBe('/echo/u-42/o-7');
    expect(headerLines(echoed.rawHeaders, 'x-user')).toEqual(['u-42']);
    expect(headerLines(echoed.rawHeaders, 'x-tenant')).toEqual(['o-7']);
  });

  it('reads keys from jwk_local_path, and refuses a plain-http key server unless disable_jwk_security', async () => {
    expect((await get('/local', await token({}))).status).toBe(200);
    expect((await get('/insecure', await token({}))).status).toBe(401);
  });

  it('reads the token from cookie_key', async () => {
    expect((await get('/cookie', undefined, { cookie: `a=1; session=${await token({})}` })).status).toBe(200);
  });

  it('keeps working on cached keys while the JWKS server is down, and picks up rotated keys', async () => {
    const good = await token({});
    expect((await get('/rs', good)).status).toBe(200);
    jwksUp = false;
    expect((await get('/rs', good)).status).toBe(200);
    jwksUp = true;
    served = [...served, { ...(await exportJWK(rsa2.publicKey)), kid: 'rsa-2', alg: 'RS256' }];
    expect((await get('/rs', await token({}, { kid: 'rsa-2', key: rsa2.privateKey }))).status).toBe(200);
  });
});

describe('auth/signer', () => {
  it('replaces keys_to_sign by a compact JWS of their Go-encoded JSON, without the completed header', async () => {
    const secret = Buffer.from('a-very-secret-hmac-key-of-32-bytes!');
    served = [...served, { kty: 'oct', k: secret.toString('base64url'), kid: 'hmac-1', alg: 'HS256' }];
    const res = await request(`${gw.url}/token`);
    expect(res.status).toBe(200);
    expect(res.headers['x-gateway-completed']).toBeUndefined();
    expect(res.headers['cache-control']).toBeUndefined();
    const body = JSON.parse(res.body) as { access_token: string; plain: number };
    expect(body.plain).toBe(1);
    const [header, payload] = body.access_token.split('.');
    expect(Buffer.from(header!, 'base64url').toString()).toBe('{"alg":"HS256","kid":"hmac-1","typ":"JWT"}');
    expect(Buffer.from(payload!, 'base64url').toString()).toBe('{"exp":1735689600,"roles":["a"],"sub":"user-1"}');
    const key = await importJWK({ kty: 'oct', k: secret.toString('base64url') }, 'HS256');
    await expect(compactVerify(body.access_token, key)).resolves.toBeTruthy();
  });
});

describe('verified-token cache', () => {
  it('keeps a verified token until its expiry (at most a minute), skips not-yet-valid ones, and stays bounded', async () => {
    const { VerifiedTokens } = await import('../../../runtime/auth/validator/verified-tokens.js');
    const cache = new VerifiedTokens();
    const t0 = 1_000_000_000_000;
    cache.set('a', { exp: t0 / 1000 + 10 }, 0, t0);
    expect(cache.get('a', t0 + 9_000)).toBeDefined();
    expect(cache.get('a', t0 + 10_001)).toBeUndefined();
    cache.set('b', { exp: t0 / 1000 + 3600 }, 0, t0);
    expect(cache.get('b', t0 + 61_000)).toBeUndefined(); // capped at a minute
    cache.set('c', { nbf: t0 / 1000 + 5 }, 0, t0);
    expect(cache.get('c', t0)).toBeUndefined();
    for (let i = 0; i < 20_000; i++) cache.set(`t${i}`, {}, 0, t0);
    expect(cache.size).toBeLessThanOrEqual(10_000);
  });
});
