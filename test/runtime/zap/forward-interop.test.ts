import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base } from '../../helpers/check.js';
import { startRuntime } from '../../helpers/gateway.js';
import { echoHandler, headerLines, request, startServer, type EchoedRequest, type TestServer } from '../../helpers/servers.js';
import { aliceClaims, makeSigningKey, signToken, startJwksServer, type JwksServer, type SigningKey } from '../auth/iam/iam-test-kit.js';
import { startSpecPeer, type SpecPeer } from './spec-peer.js';

/**
 * A zap backend with the default Forward envelope, against a peer written
 * from the spec (spec-peer.ts: a service behind forward.Serve) in front of a
 * real HTTP service: identity comes from the token the IAM gate verified,
 * never from a client's headers, and the client gets the service's answer.
 */
const FORGED = { 'X-User-Id': 'root', 'X-Org-Id': 'evil-org', 'X-User-IsAdmin': 'true', 'X-User-Permissions': '18446744073709551615' };
const IDENTITY = /^x-(user|org)-/i;

let key: SigningKey;
let jwks: JwksServer;
let service: TestServer;
let peer: SpecPeer;
let gated: Awaited<ReturnType<typeof startRuntime>>;
let open: Awaited<ReturnType<typeof startRuntime>>;

function endpoints(isPublic = false) {
  const zap = { 'github.com/hanzoai/gateway/zap': { node_id: 'gw', peer_id: 'svc', peer_addr: `127.0.0.1:${peer.port}`, no_discovery: true } };
  return ['/v1/echo', '/v1/public'].map((path) => ({
    endpoint: path,
    method: 'POST',
    output_encoding: 'no-op',
    input_headers: ['*'],
    input_query_strings: ['*'],
    // The HTTP fallback host answers nothing: every answer below came over ZAP.
    backend: [{ url_pattern: path.replace('/v1', ''), host: ['http://127.0.0.1:9'], extra_config: zap }],
    // The credential-policy form: every endpoint says whether it needs an identity.
    extra_config: { 'auth/public': isPublic || path === '/v1/public' },
  }));
}

beforeAll(async () => {
  key = await makeSigningKey('RS256', 'k1');
  jwks = await startJwksServer([key.jwk]);
  service = await startServer(echoHandler);
  peer = await startSpecPeer('svc', service.url);
  gated = await startRuntime(base(endpoints(), { extra_config: { 'github.com/hanzoai/gateway/edge': { widget_gate: false } } }), {
    env: { AUTH_JWKS_URL: jwks.url, AUTH_ISSUER: 'https://hanzo.id' },
  });
  open = await startRuntime(base(endpoints(true)));
});

afterAll(async () => {
  await gated?.close();
  await open?.close();
  await peer?.close();
  await jwks?.stop();
  await service?.close();
});

const last = () => peer.forwards[peer.forwards.length - 1]!;
const echoed = (body: string) => JSON.parse(body) as EchoedRequest;
const identityLines = (e: EchoedRequest) => e.rawHeaders.flatMap((n, i) => (i % 2 === 0 && IDENTITY.test(n) ? [`${n}: ${e.rawHeaders[i + 1]}`] : []));

describe('zap backend, Forward envelope, against a spec peer', () => {
  it('states the verified identity in the envelope, not the forged headers; the client gets the service answer', async () => {
    const token = await signToken(key, aliceClaims({ isAdmin: true }));
    const res = await request(`${gated.url}/v1/echo?a=1&b=2`, { method: 'POST', headers: { ...FORGED, Authorization: `Bearer ${token}`, 'Content-Type': 'text/plain' }, body: 'hello' });
    const f = last();
    expect([f.userId, f.tenantId, f.isAdmin, f.permissions]).toEqual(['alice', 'hanzo', false, 4n]);
    expect([f.method, f.path, f.body.toString()]).toEqual(['POST', '/echo?a=1&b=2', 'hello']);
    expect(f.connId).not.toBe('');
    expect(f.headers['X-User-Id']).toEqual(['alice']);
    // The client sees the service's status, headers and body.
    expect(res.status).toBe(200);
    expect(headerLines(res.rawHeaders, 'set-cookie')).toEqual(['a=1', 'b=2']);
    expect(headerLines(res.rawHeaders, 'x-backend')).toEqual(['echo']);
    const e = echoed(res.body);
    expect([e.method, e.url, e.body]).toEqual(['POST', '/echo?a=1&b=2', 'hello']);
    // forward.Serve wrote the identity from the envelope, once each; nothing forged arrived.
    const lines = identityLines(e);
    for (const line of ['X-Org-Id: hanzo', 'X-User-Id: alice', 'X-User-IsAdmin: false', 'X-User-Permissions: 4']) expect(lines).toContain(line);
    expect(lines.filter((l) => /^x-user-id:/i.test(l))).toEqual(['X-User-Id: alice']);
    expect(lines.join('\n')).not.toMatch(/root|evil-org|18446744073709551615/);
  });

  it.each([
    ['a forged X-User-Id never becomes UserID: IAM gate, public endpoint, no token', () => `${gated.url}/v1/public`],
    ['with no IAM gate linked, the envelope states no identity and the headers carry none', () => `${open.url}/v1/echo`],
  ])('%s', async (_name, url) => {
    const res = await request(url(), { method: 'POST', headers: FORGED, body: 'x' });
    expect(res.status).toBe(200);
    const f = last();
    expect([f.userId, f.tenantId, f.isAdmin, f.permissions]).toEqual(['', '', false, 0n]);
    expect(Object.keys(f.headers).filter((n) => IDENTITY.test(n))).toEqual([]);
    expect(identityLines(echoed(res.body)).sort()).toEqual(['X-User-IsAdmin: false', 'X-User-Permissions: 0']);
  });
});
