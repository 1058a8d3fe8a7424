import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base } from '../../helpers/check.js';
import { startRuntime } from '../../helpers/gateway.js';
import { echoHandler, request, startServer, type EchoedRequest, type TestServer } from '../../helpers/servers.js';
import { aliceClaims, ALICE_IDENTITY, identityLines, makeSigningKey, signToken, startJwksServer, type JwksServer, type SigningKey } from './iam/iam-test-kit.js';

/**
 * The Hanzo edge chain in a whole gateway (`github.com/hanzoai/gateway/edge`):
 * forged identity headers never reach a backend, whatever the path, the
 * credential or the auth switch; a verified token's identity does; endpoints
 * not marked auth/public refuse requests without one.
 */
const FORGED = {
  'X-User-Id': 'root',
  'x-user-id': 'also-root',
  'X-ORG-ID': 'evil-org',
  'X-Roles': 'admin,owner',
  'X-Iam-Foo': 'bar',
  'x-hanzo-bar': 'baz',
  'X-User-Permissions': '18446744073709551615',
  'X-User-IsAdmin': 'true',
};

let key: SigningKey;
let jwks: JwksServer;
let echo: TestServer;

beforeAll(async () => {
  key = await makeSigningKey('RS256', 'k1');
  jwks = await startJwksServer([key.jwk]);
  echo = await startServer(echoHandler);
});
afterAll(async () => {
  await jwks.stop();
  await echo.close();
});

async function gateway(env: Record<string, string>) {
  const endpoints = ['/public', '/private'].map((path) => ({
    endpoint: path,
    output_encoding: 'no-op',
    input_headers: ['*'],
    backend: [{ url_pattern: '/echo', host: [echo.url] }],
    // The credential-policy form: every endpoint states one, or the gateway refuses to start.
    extra_config: { 'auth/public': path === '/public' },
  }));
  return startRuntime(base(endpoints, { extra_config: { 'github.com/hanzoai/gateway/edge': { widget_gate: false } } }), {
    env: { AUTH_JWKS_URL: jwks.url, AUTH_ISSUER: 'https://hanzo.id', ...env },
  });
}

function identityHeaders(body: string): string[] {
  const echoed = JSON.parse(body) as EchoedRequest;
  return echoed.rawHeaders.filter((_, i) => i % 2 === 0).filter((n) => /^x-(user|org|roles|iam|hanzo|phone)/i.test(n));
}

describe('Hanzo edge chain', () => {
  it('never lets forged identity headers reach a backend (public, private, API key, no token, auth disabled)', async () => {
    const on = await gateway({});
    const off = await gateway({ AUTH_ENABLED: 'false' });
    try {
      for (const [gw, path, auth] of [
        [on, '/public', undefined],
        [on, '/public', 'Bearer sk-live-abc'],
        [off, '/public', undefined],
        [off, '/public', 'Bearer sk-live-abc'],
      ] as const) {
        const res = await request(`${gw.url}${path}`, { headers: { ...FORGED, ...(auth ? { authorization: auth } : {}) } });
        expect(res.status, `${path} ${auth}`).toBe(200);
        expect(identityHeaders(res.body), `${path} ${auth}`).toEqual([]);
      }
      // A private endpoint without a verified identity never reaches the backend at all.
      const denied = await request(`${on.url}/private`, { headers: FORGED });
      expect(denied.status).toBe(401);
      const apiKey = await request(`${on.url}/private`, { headers: { ...FORGED, authorization: 'Bearer sk-live-abc' } });
      expect(apiKey.status).toBe(401);
      // With the gate off nobody has a verified identity, so private endpoints refuse everyone (as in Go).
      expect((await request(`${off.url}/private`, { headers: FORGED })).status).toBe(401);
    } finally {
      await on.close();
      await off.close();
    }
  });

  it('hands the backend exactly the identity a verified token grants', async () => {
    const gw = await gateway({});
    try {
      const token = await signToken(key, aliceClaims());
      const res = await request(`${gw.url}/private`, { headers: { ...FORGED, authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      // Every identity line the backend sees, name and value: the minted ones and nothing forged.
      expect(identityLines((JSON.parse(res.body) as EchoedRequest).rawHeaders)).toEqual(ALICE_IDENTITY);
    } finally {
      await gw.close();
    }
  });
});
