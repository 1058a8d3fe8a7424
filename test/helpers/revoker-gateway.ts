import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { base } from './check.js';
import { startRuntime } from './gateway.js';
import { request, startServer } from './servers.js';

/**
 * A gateway with `auth/revoker` (the given settings) behind `auth/validator`
 * on `/me`: a real JWKS server, a real backend, real RS256 tokens. `call`
 * sends a token with the given claims, `api` posts to the revocation API
 * over loopback. Everything it starts is handed to `cleanups`.
 */
export async function revokerGateway(settings: Record<string, unknown>, cleanups: Array<() => Promise<void>>) {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k', alg: 'RS256' };
  const jwks = await startServer((_req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
  const be = await startServer((_req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}'));
  cleanups.push(() => jwks.close(), () => be.close());
  const gw = await startRuntime(
    base([{ endpoint: '/me', backend: [{ url_pattern: '/me', host: [be.url] }], extra_config: { 'auth/validator': { alg: 'RS256', jwk_url: `${jwks.url}/jwks`, disable_jwk_security: true } } }], {
      extra_config: { 'auth/revoker': settings },
    }),
  );
  cleanups.push(() => gw.close());
  const line = gw.logs.find((l) => l.includes('revocations on port')) ?? '';
  const [, port = '0', ip = ''] = /revocations on port (\d+) of (\S+)/.exec(line) ?? [];
  const token = (claims: Record<string, unknown>) =>
    new SignJWT({ exp: Math.floor(Date.now() / 1000) + 60, ...claims }).setProtectedHeader({ alg: 'RS256', kid: 'k' }).sign(privateKey);
  const call = async (claims: Record<string, unknown>) => (await request(`${gw.url}/me`, { headers: { authorization: `Bearer ${await token(claims)}` } })).status;
  const api = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    request(`http://127.0.0.1:${port}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
  return { gw, port: Number(port), ip, call, api };
}
