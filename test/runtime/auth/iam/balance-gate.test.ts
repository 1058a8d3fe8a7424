import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { aliceClaims, makeSigningKey, signToken, startCommerce, startGateway, startJwksServer, type CommerceStub, type JwksServer, type SigningKey, type TestGateway } from './iam-test-kit.js';

let key: SigningKey;
let jwks: JwksServer;
let commerce: CommerceStub;
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  key = await makeSigningKey('ES256', 'k1');
  jwks = await startJwksServer([key.jwk]);
  commerce = await startCommerce(500);
});
afterAll(async () => {
  await commerce.stop();
  await jwks.stop();
});
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
  commerce.calls.length = 0;
  commerce.answer = () => ({ status: 200, body: JSON.stringify({ user: 'x', currency: 'usd', balance: 500, holds: 0, available: 500 }) });
});

async function gateway(env: Record<string, string> = {}): Promise<TestGateway> {
  const g = await startGateway({ AUTH_JWKS_URL: jwks.url, BILLING_ENABLED: 'true', AUTH_BILLING_URL: commerce.url, COMMERCE_SERVICE_TOKEN: 'svc-token', ...env });
  cleanups.push(() => g.close());
  return g;
}

const withToken = async (claims: Record<string, unknown> = {}) => ['Authorization', `Bearer ${await signToken(key, aliceClaims(claims))}`];
const answer = (available: unknown) => () => ({ status: 200, body: JSON.stringify({ user: 'x', currency: 'usd', balance: 0, holds: 0, available }) });

describe('balance gate', () => {
  it('asks Commerce with the service token and the org/user ledger key, and passes a positive balance', async () => {
    const g = await gateway();
    const r = await g.send('/v1/chat/completions', await withToken({ sub: 'alice', billing_account: 'someone-else', orgs: [{ org: 'acme', role: 'member' }] }));
    expect(r.status).toBe(200);
    expect(r.echoed?.headers['x-user-id']).toBe('alice');
    expect(commerce.calls).toEqual([{ url: '/v1/billing/balance?user=acme%2Falice&currency=usd', authorization: 'Bearer svc-token' }]);
  });

  it('answers 402 with the billed user when the available balance is zero or negative', async () => {
    const g = await gateway();
    for (const available of [0, -5, null]) {
      commerce.answer = answer(available);
      const r = await g.send('/v1/chat/completions', await withToken({ orgs: [{ org: 'acme' }] }));
      expect(r.status).toBe(402);
      expect(r.echoed).toBeUndefined();
      expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(r.body).toBe(
        '{"error":"insufficient_balance","message":"Your account has insufficient balance. Please add funds at the platform billing page","user":"acme/alice"}',
      );
    }
  });

  it('bills the user alone when the token has no org, or when the user id holds a slash', async () => {
    const g = await gateway();
    await g.send('/v1/x', await withToken({ orgs: undefined }));
    await g.send('/v1/x', await withToken({ sub: 'team/bob' }));
    expect(commerce.calls.map((c) => c.url)).toEqual(['/v1/billing/balance?user=alice&currency=usd', '/v1/billing/balance?user=team%2Fbob&currency=usd']);
  });

  it('bills a platform operator to their home org, whatever org they act in', async () => {
    const g = await gateway();
    const r = await g.send('/v1/x', [...(await withToken({ orgs: [{ org: 'hanzo' }, { org: 'admin' }] })), 'X-Org-Id', 'customer']);
    expect(r.echoed?.headers['x-org-id']).toBe('customer');
    expect(commerce.calls.map((c) => c.url)).toEqual(['/v1/billing/balance?user=hanzo%2Falice&currency=usd']);
  });

  it('never gates /v1/commerce, gates only BILLING_PATHS prefixes when set', async () => {
    commerce.answer = answer(0);
    const g = await gateway({ BILLING_PATHS: '/v1/chat,/v1/commerce' });
    expect((await g.send('/v1/commerce', await withToken())).status).toBe(200);
    expect((await g.send('/v1/commerce/checkout', await withToken())).status).toBe(200);
    expect((await g.send('/v1/models', await withToken())).status).toBe(200);
    expect((await g.send('/v1/chat/completions', await withToken())).status).toBe(402);
    expect((await g.send('/v1/commerce/../chat/completions', await withToken())).status).toBe(402);
    expect(commerce.calls).toHaveLength(2);
  });

  it('does not bill API keys, tokenless requests or public paths', async () => {
    commerce.answer = answer(0);
    const g = await gateway();
    expect((await g.send('/v1/chat', ['Authorization', 'Bearer sk-abc'])).status).toBe(200);
    expect((await g.send('/v1/chat')).status).toBe(200);
    expect((await g.send('/healthz', await withToken())).status).toBe(200);
    expect(commerce.calls).toHaveLength(0);
  });

  it('is off unless BILLING_ENABLED=true', async () => {
    commerce.answer = answer(0);
    const g = await gateway({ BILLING_ENABLED: 'yes' });
    expect((await g.send('/v1/chat', await withToken())).status).toBe(200);
    expect(commerce.calls).toHaveLength(0);
  });

  it('fails closed with BILLING_FAIL_CLOSED=true: Commerce down, non-200 or bad JSON give 503', async () => {
    const g = await gateway({ BILLING_FAIL_CLOSED: 'true' });
    const body503 = '{"error":"billing_unavailable","message":"Billing is temporarily unavailable. Please retry shortly."}';
    for (const bad of [() => ({ status: 500, body: '{}' }), () => ({ status: 200, body: 'not json' }), () => ({ status: 200, body: '{"available":"100"}' }), () => ({ status: 200, body: '[]' })]) {
      commerce.answer = bad;
      const r = await g.send('/v1/chat', await withToken());
      expect(r.status).toBe(503);
      expect(r.body).toBe(body503);
      expect(r.headers['retry-after']).toBeUndefined();
    }
    const down = await gateway({ BILLING_FAIL_CLOSED: 'true', AUTH_BILLING_URL: 'http://127.0.0.1:1' });
    const r = await down.send('/v1/chat', await withToken());
    expect(r.status).toBe(503);
    expect(r.body).toBe(body503);
  });

  it('fails open by default (the seed document\'s rule): unreachable Commerce lets the request through', async () => {
    const g = await gateway({ AUTH_BILLING_URL: 'http://127.0.0.1:1' });
    expect((await g.send('/v1/chat', await withToken())).status).toBe(200);
  });

  it('fails open with BILLING_FAIL_CLOSED=false: unreachable Commerce lets the request through, still with identity', async () => {
    const g = await gateway({ BILLING_FAIL_CLOSED: 'false', AUTH_BILLING_URL: 'http://127.0.0.1:1' });
    const r = await g.send('/v1/chat', await withToken());
    expect(r.status).toBe(200);
    expect(r.echoed?.headers['x-user-id']).toBe('alice');
    expect(g.logs.some((l) => l.includes('passing unbilled'))).toBe(true);
    const live = await gateway({ BILLING_FAIL_CLOSED: 'false' });
    commerce.answer = () => ({ status: 502, body: '' });
    expect((await live.send('/v1/chat', await withToken())).status).toBe(200);
    // An empty balance is still refused.
    commerce.answer = answer(0);
    expect((await live.send('/v1/chat', await withToken())).status).toBe(402);
  });

  it('answers 503 when billing is on without a Commerce token, and logs the config error at start', async () => {
    const g = await gateway({ COMMERCE_SERVICE_TOKEN: '', BILLING_FAIL_CLOSED: 'false' });
    expect(g.logs.some((l) => l.includes('auth: BILLING_ENABLED=true requires COMMERCE_SERVICE_TOKEN (from KMS)'))).toBe(true);
    const r = await g.send('/v1/chat', await withToken());
    expect(r.status).toBe(503);
    expect(commerce.calls).toHaveLength(0);
  });
});
