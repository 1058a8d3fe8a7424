import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { base } from '../helpers/check.js';
import { startIngressRuntime, startRuntime } from '../helpers/gateway.js';
import { echoHandler, headerLines, request, startServer, type EchoedRequest, type TestServer } from '../helpers/servers.js';
import { aliceClaims, makeSigningKey, signToken, startJwksServer, type JwksServer, type SigningKey } from '../runtime/auth/iam/iam-test-kit.js';
import { namesOf, rawExchange, recordingBackend, statusOf, until, type RecordingBackend } from './hostile-kit.js';

/**
 * Headers the gateway is the authority for are written or removed, never
 * passed on as the client sent them: propagated claims (an absent claim is an
 * empty value), the minted identity whatever the Connection header names, and
 * identity names in any spelling (any case, repeated, `_` for `-`, the bare
 * reserved prefixes) — on endpoints, host routes, the ingress and upgrades.
 */
const FORGED_SPELLINGS: Array<[string, string]> = [
  ['X-User-Id', 'root'],
  ['x-user-id', 'root-again'],
  ['X_User_Id', 'root'],
  ['x_org_id', 'victim-org'],
  ['X_USER_ISADMIN', 'true'],
  ['X-Iam', 'admin'],
  ['X-Hanzo', 'admin'],
  ['X_Iam_Role', 'admin'],
  ['X-Act-As-Org', 'victim-org'],
  ['X-Act-As-Project', 'victim-project'],
  ['X_Act_As_Org', 'victim-org'],
];
const forgedNames = new Set(FORGED_SPELLINGS.map(([n]) => n.toLowerCase()));
const forgedLines = FORGED_SPELLINGS.map(([n, v]) => `${n}: ${v}\r\n`).join('');
const edge = { 'github.com/hanzoai/gateway/edge': { widget_gate: false } };

let key: SigningKey;
let jwks: JwksServer;
let backend: RecordingBackend;
let echo: TestServer;
let env: Record<string, string>;

beforeAll(async () => {
  key = await makeSigningKey('RS256', 'k1');
  jwks = await startJwksServer([key.jwk]);
  backend = await recordingBackend();
  echo = await startServer(echoHandler);
  env = { AUTH_JWKS_URL: jwks.url, AUTH_ISSUER: 'https://hanzo.id' };
});
afterAll(async () => {
  await jwks.stop();
  await backend.close();
  await echo.close();
});

const lastSeen = () => backend.seen[backend.seen.length - 1]!;

describe('auth/validator propagate_claims', () => {
  let validatorJwks: TestServer;
  let rsa: Awaited<ReturnType<typeof generateKeyPair>>;
  beforeAll(async () => {
    rsa = await generateKeyPair('RS256', { extractable: true });
    const jwk: JWK = { ...(await exportJWK(rsa.publicKey)), kid: 'v1', alg: 'RS256' };
    validatorJwks = await startServer((_req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
  });
  afterAll(() => validatorJwks.close());

  it('writes an empty value for a claim the token lacks, so a forged header never arrives', async () => {
    const gw = await startRuntime(
      base([
        {
          endpoint: '/claims',
          output_encoding: 'no-op',
          input_headers: ['X-Tenant', 'X-Plan'],
          backend: [{ url_pattern: '/echo', host: [echo.url] }],
          extra_config: {
            'auth/validator': {
              alg: 'RS256', jwk_url: `${validatorJwks.url}/jwks`, disable_jwk_security: true,
              propagate_claims: [['sub', 'X-Plan'], ['tenant', 'X-Tenant']],
            },
          },
        },
      ]),
    );
    try {
      const token = await new SignJWT({ sub: 'u-1', exp: Math.floor(Date.now() / 1000) + 60 }).setProtectedHeader({ alg: 'RS256', kid: 'v1' }).sign(rsa.privateKey);
      const res = await request(`${gw.url}/claims`, { headers: { authorization: `Bearer ${token}`, 'X-Tenant': 'victim-org', 'x-tenant': 'again' } });
      expect(res.status).toBe(200);
      const seen = JSON.parse(res.body) as EchoedRequest;
      expect(headerLines(seen.rawHeaders, 'x-tenant')).toEqual(['']);
      expect(headerLines(seen.rawHeaders, 'x-plan')).toEqual(['u-1']);
    } finally {
      await gw.close();
    }
  });
});

describe('identity headers in every spelling', () => {
  it('are stripped on endpoints, host routes and upgrades behind the edge chain', async () => {
    const gw = await startRuntime(
      base([{ endpoint: '/ep', output_encoding: 'no-op', input_headers: ['*'], backend: [{ url_pattern: '/', host: [backend.url] }], extra_config: { 'auth/public': true } }], { extra_config: edge }),
      { routesYaml: `routes:\n  app.example.com:\n    - prefix: /\n      backend: ${backend.url}\n`, env },
    );
    try {
      for (const host of ['localhost', 'app.example.com']) {
        const path = host === 'localhost' ? '/ep' : '/any';
        const answer = await rawExchange(gw.port, `GET ${path} HTTP/1.1\r\nHost: ${host}\r\n${forgedLines}Connection: close\r\n\r\n`);
        expect(statusOf(answer), host).toBe(200);
        expect(namesOf(lastSeen()).filter((n) => forgedNames.has(n)), host).toEqual([]);
      }
      const before = backend.seen.length;
      const up = rawExchange(gw.port, `GET /ws HTTP/1.1\r\nHost: app.example.com\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n${forgedLines}\r\n`);
      await until(() => backend.seen.length > before, 'the upgrade at the backend');
      expect(namesOf(lastSeen()).filter((n) => forgedNames.has(n))).toEqual([]);
      expect(statusOf(await up)).toBe(101);
    } finally {
      await gw.close();
    }
  });

  it('never arrive as request trailers (held)', async () => {
    const gw = await startRuntime(
      base([{ endpoint: '/ep', method: 'POST', output_encoding: 'no-op', input_headers: ['*'], backend: [{ url_pattern: '/', host: [backend.url] }], extra_config: { 'auth/public': true } }], { extra_config: edge }),
      { routesYaml: `routes:\n  app.example.com:\n    - prefix: /\n      backend: ${backend.url}\n`, env },
    );
    try {
      for (const [host, path] of [['localhost', '/ep'], ['app.example.com', '/any']] as const) {
        const answer = await rawExchange(
          gw.port,
          `POST ${path} HTTP/1.1\r\nHost: ${host}\r\nTE: trailers\r\nTrailer: X-User-Id\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\nhi\r\n0\r\nX-User-Id: root\r\nX_Org_Id: victim\r\n\r\n`,
        );
        expect(statusOf(answer), host).toBe(200);
        const trailerNames = Object.keys(lastSeen().trailers).filter((n) => forgedNames.has(n) || forgedNames.has(n.replaceAll('-', '_')));
        expect(trailerNames, host).toEqual([]);
        expect(namesOf(lastSeen()).filter((n) => forgedNames.has(n)), host).toEqual([]);
      }
    } finally {
      await gw.close();
    }
  });

  it('are stripped on the ingress, on hosts with and without auth', async () => {
    const gw = await startIngressRuntime({ routes: [{ host: 'open.example', backends: [{ path: '/', url: backend.url }] }] }, { env });
    try {
      const answer = await rawExchange(gw.port, `GET /x HTTP/1.1\r\nHost: open.example\r\n${forgedLines}Connection: close\r\n\r\n`);
      expect(statusOf(answer)).toBe(200);
      expect(namesOf(lastSeen()).filter((n) => forgedNames.has(n))).toEqual([]);
    } finally {
      await gw.close();
    }
  });
});

describe('minted identity and the Connection header', () => {
  const naming = 'Connection: keep-alive, X-User-Id, X-Org-Id, x-user-email\r\n';

  it('keeps the minted headers on host routes and upgrades when the client names them in Connection', async () => {
    const gw = await startRuntime(base([], { extra_config: edge }), {
      routesYaml: `routes:\n  app.example.com:\n    - prefix: /\n      backend: ${backend.url}\n`,
      env,
    });
    try {
      const token = await signToken(key, aliceClaims());
      const answer = await rawExchange(gw.port, `GET /data HTTP/1.1\r\nHost: app.example.com\r\nAuthorization: Bearer ${token}\r\n${naming}\r\n`);
      expect(statusOf(answer)).toBe(200);
      expect(lastSeen().headers['x-user-id']).toBeTruthy();
      expect(lastSeen().headers['x-org-id']).toBe('hanzo');
      expect(lastSeen().headers['x-user-email']).toBe('alice@hanzo.ai');

      const before = backend.seen.length;
      const up = rawExchange(gw.port, `GET /ws HTTP/1.1\r\nHost: app.example.com\r\nAuthorization: Bearer ${token}\r\nConnection: Upgrade, X-User-Id, X-Org-Id\r\nUpgrade: websocket\r\n\r\n`);
      await until(() => backend.seen.length > before, 'the upgrade at the backend');
      expect(lastSeen().headers['x-user-id']).toBeTruthy();
      expect(lastSeen().headers['x-org-id']).toBe('hanzo');
      expect(statusOf(await up)).toBe(101);
    } finally {
      await gw.close();
    }
  });

  it('keeps the minted headers on an ingress auth host when the client names them in Connection', async () => {
    const gw = await startIngressRuntime({ routes: [{ host: 'private.example', auth: true, backends: [{ path: '/', url: backend.url }] }] }, { env });
    try {
      const token = await signToken(key, aliceClaims());
      const answer = await rawExchange(gw.port, `GET /x HTTP/1.1\r\nHost: private.example\r\nAuthorization: Bearer ${token}\r\n${naming}\r\n`);
      expect(statusOf(answer)).toBe(200);
      expect(lastSeen().headers['x-user-id']).toBeTruthy();
      expect(lastSeen().headers['x-org-id']).toBe('hanzo');
    } finally {
      await gw.close();
    }
  });
});

describe('forwarding headers on host routes', () => {
  const claimed = 'X-Real-IP: 10.9.9.9\r\nX-Forwarded-Host: admin.internal\r\nX-Forwarded-Proto: https\r\nForwarded: for=10.9.9.9;proto=https\r\n';
  const stated = ['x-real-ip', 'x-forwarded-host', 'x-forwarded-proto', 'forwarded'];

  it('are removed when the peer is not a trusted proxy, plain and upgrade, and kept from a trusted one', async () => {
    const routesYaml = `routes:\n  app.example.com:\n    - prefix: /\n      backend: ${backend.url}\n`;
    const untrusting = await startRuntime(base([]), { routesYaml, env: { GATEWAY_TRUSTED_PROXIES: '203.0.113.0/24' } });
    const trusting = await startRuntime(base([]), { routesYaml, env: {} });
    try {
      expect(statusOf(await rawExchange(untrusting.port, `GET /x HTTP/1.1\r\nHost: app.example.com\r\n${claimed}Connection: close\r\n\r\n`))).toBe(200);
      expect(namesOf(lastSeen()).filter((n) => stated.includes(n))).toEqual([]);
      expect(lastSeen().headers['x-forwarded-for']).toBe('127.0.0.1');

      const before = backend.seen.length;
      const up = rawExchange(untrusting.port, `GET /ws HTTP/1.1\r\nHost: app.example.com\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n${claimed}\r\n`);
      await until(() => backend.seen.length > before, 'the upgrade at the backend');
      expect(namesOf(lastSeen()).filter((n) => stated.includes(n))).toEqual([]);
      expect(statusOf(await up)).toBe(101);

      // Loopback is in the default trusted set: a proxy in front of the gateway keeps its say.
      expect(statusOf(await rawExchange(trusting.port, `GET /x HTTP/1.1\r\nHost: app.example.com\r\n${claimed}Connection: close\r\n\r\n`))).toBe(200);
      expect(namesOf(lastSeen()).filter((n) => stated.includes(n)).sort()).toEqual([...stated].sort());
    } finally {
      await untrusting.close();
      await trusting.close();
    }
  });
});
