import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isIngestPath } from '../../../../runtime/auth/iam/request-class.js';
import { aliceClaims, makeSigningKey, signToken, startGateway, startJwksServer, type JwksServer, type SigningKey, type TestGateway } from './iam-test-kit.js';

let key: SigningKey;
let jwks: JwksServer;
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  key = await makeSigningKey('RS256', 'k1');
  jwks = await startJwksServer([key.jwk]);
});
afterAll(async () => {
  await jwks.stop();
});
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function gateway(env: Record<string, string> = {}, publicRoutes?: (method: string, path: string) => boolean): Promise<TestGateway> {
  const g = await startGateway({ AUTH_JWKS_URL: jwks.url, ...env }, publicRoutes ? { publicRoutes } : undefined);
  cleanups.push(() => g.close());
  return g;
}

const AUTH_REQUIRED = '{"error":"unauthorized","message":"Authentication required"}';

describe('RequireAuth (AUTH_REQUIRE)', () => {
  it('off: a tokenless request passes with no identity', async () => {
    const g = await gateway();
    const r = await g.send('/v1/things');
    expect(r.status).toBe(200);
    expect(r.echoed?.headers['x-user-id']).toBeUndefined();
  });

  it('on: a tokenless request gets 401 Authentication required; tokens and API keys still work', async () => {
    const g = await gateway({ AUTH_REQUIRE: 'true' });
    for (const headers of [[], ['Authorization', 'Bearer'], ['Authorization', 'Basic dXNlcjpwYXNz'], ['Cookie', 'session=abc']]) {
      const r = await g.send('/v1/things', headers);
      expect(r.status).toBe(401);
      expect(r.body).toBe(AUTH_REQUIRED);
      expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(r.headers['www-authenticate']).toBeUndefined();
      expect(r.echoed).toBeUndefined();
    }
    expect((await g.send('/v1/things', ['Authorization', 'Bearer sk-key'])).status).toBe(200);
    expect((await g.send('/v1/things', ['Authorization', `Bearer ${await signToken(key, aliceClaims())}`])).echoed?.headers['x-user-id']).toBe('alice');
    expect((await g.send('/healthz')).status).toBe(200);
  });
});

describe('public hosts', () => {
  it('admits the default IAM hosts without checking a token, port stripped, case-sensitive', async () => {
    const g = await gateway({ AUTH_REQUIRE: 'true' });
    for (const host of ['hanzo.id', 'hanzo.id:8443', 'lux.id', 'iam.hanzo.ai']) {
      const r = await g.send('/login', ['Authorization', 'Bearer garbage'], { host });
      expect(r.status, host).toBe(200);
    }
    for (const host of ['HANZO.ID', 'www.hanzo.id', 'hanzo.id.evil.com', 'api.hanzo.ai']) {
      expect((await g.send('/login', [], { host })).status, host).toBe(401);
    }
  });

  it('AUTH_PUBLIC_HOSTS replaces the list', async () => {
    const g = await gateway({ AUTH_REQUIRE: 'true', AUTH_PUBLIC_HOSTS: 'open.example,' });
    expect((await g.send('/x', [], { host: 'open.example' })).status).toBe(200);
    expect((await g.send('/x', [], { host: 'hanzo.id' })).status).toBe(401);
  });
});

describe('public paths', () => {
  it('admits the default prefixes (plain prefix match) without checking a token', async () => {
    const g = await gateway({ AUTH_REQUIRE: 'true' });
    for (const path of ['/healthz', '/healthzz', '/__stats/x', '/.well-known/openid-configuration', '/favicon.ico', '/heal%74hz']) {
      const r = await g.send(path, ['Authorization', 'Bearer garbage']);
      expect(r.status, path).toBe(200);
      expect(r.echoed?.headers['x-user-id']).toBeUndefined();
    }
    for (const path of ['/health', '/v1/healthz', '/.well-known', '/healthz/../v1/admin', '/favicon/../v1/admin']) {
      expect((await g.send(path)).status, path).toBe(401);
    }
  });

  it('never makes everything public from an empty AUTH_PUBLIC_PATHS entry', async () => {
    const g = await gateway({ AUTH_REQUIRE: 'true', AUTH_PUBLIC_PATHS: '/open,' });
    expect((await g.send('/open/x')).status).toBe(200);
    expect((await g.send('/v1/private')).status).toBe(401);
    expect((await g.send('/healthz')).status).toBe(401);
  });

  it('admits routes the caller marks public (endpoint auth/public)', async () => {
    const g = await gateway({ AUTH_REQUIRE: 'true' }, (method, path) => method === 'GET' && path === '/v1/models');
    expect((await g.send('/v1/models')).status).toBe(200);
    expect((await g.send('/v1/models', [], { method: 'POST' })).status).toBe(401);
    expect((await g.send('/v1/other/../models')).status).toBe(401);
  });
});

describe('tokenless ingest', () => {
  it('classifies POSTs to envelope/store paths under the ingest roots', () => {
    for (const path of ['/v1/event/019f5339/envelope/', '/v1/event/1/envelope', '/v1/event/1/store/', '/v1/o11y/api/2/store']) expect(isIngestPath('POST', path), path).toBe(true);
    for (const path of ['/v1/event/issues', '/v1/event', '/v1/event/', '/v1/o11y/api/v1/health', '/v1/sentinel/1/envelope/', '/v1/admin/1/envelope/']) expect(isIngestPath('POST', path), path).toBe(false);
    for (const method of ['GET', 'PUT', 'PATCH', 'DELETE']) expect(isIngestPath(method, '/v1/event/1/envelope/')).toBe(false);
  });

  it('admits an ingest POST without a token check, even with a bad token', async () => {
    const g = await gateway({ AUTH_REQUIRE: 'true' });
    expect((await g.send('/v1/event/019f5339/envelope/', ['Authorization', 'Bearer garbage'], { method: 'POST' })).status).toBe(200);
    expect((await g.send('/v1/event/019f5339/envelope/', [], { method: 'GET' })).status).toBe(401);
  });
});
