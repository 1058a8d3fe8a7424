import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base } from '../helpers/check.js';
import { startRuntime } from '../helpers/gateway.js';
import { echoHandler, headerLines, request, startServer, type EchoedRequest, type TestServer } from '../helpers/servers.js';
import { aliceClaims, makeSigningKey, signToken, startJwksServer, type JwksServer, type SigningKey } from '../runtime/auth/iam/iam-test-kit.js';

/**
 * The IAM key server: `--host-map` reaches the host of AUTH_JWKS_URL (so a
 * production config runs locally against a local key server), and a key
 * server that fails never puts its URL in a client's 401 `detail`.
 */
let key: SigningKey;
let jwks: JwksServer;
let down: TestServer;
let echo: TestServer;

beforeAll(async () => {
  key = await makeSigningKey('RS256', 'k1');
  jwks = await startJwksServer([key.jwk]);
  down = await startServer((_req, res) => res.writeHead(503).end('maintenance'));
  echo = await startServer(echoHandler);
});
afterAll(async () => {
  await jwks.stop();
  await down.close();
  await echo.close();
});

const config = () => base(
  [{ endpoint: '/me', output_encoding: 'no-op', input_headers: ['*'], backend: [{ url_pattern: '/', host: [echo.url] }] }],
  { extra_config: { 'github.com/hanzoai/gateway/edge': { widget_gate: false } } },
);

describe('the IAM key server', () => {
  it('is reached through the host map', async () => {
    const gw = await startRuntime(config(), {
      env: { AUTH_JWKS_URL: 'https://iam.hanzo.internal/v1/iam/.well-known/jwks', AUTH_ISSUER: 'https://hanzo.id' },
      hostMap: { 'https://iam.hanzo.internal': `http://127.0.0.1:${jwks.port}` },
    });
    try {
      const res = await request(`${gw.url}/me`, { headers: { authorization: `Bearer ${await signToken(key, aliceClaims())}` } });
      expect(res.status).toBe(200);
      expect(headerLines((JSON.parse(res.body) as EchoedRequest).rawHeaders, 'x-org-id')).toEqual(['hanzo']);
    } finally {
      await gw.close();
    }
  });

  it('that fails gives a 401 whose detail does not name it', async () => {
    const gw = await startRuntime(config(), { env: { AUTH_JWKS_URL: `${down.url}/internal/jwks`, AUTH_ISSUER: 'https://hanzo.id' } });
    try {
      const res = await request(`${gw.url}/me`, { headers: { authorization: `Bearer ${await signToken(key, aliceClaims())}` } });
      expect(res.status).toBe(401);
      const body = JSON.parse(res.body) as { detail: string };
      expect(body.detail).toMatch(/jwks/);
      expect(body.detail).not.toContain('127.0.0.1');
      expect(body.detail).not.toContain('/internal/jwks');
    } finally {
      await gw.close();
    }
  });
});
