import { afterEach, describe, expect, it } from 'vitest';
import { revokerGateway } from '../../helpers/revoker-gateway.js';
import { RotatingBloom } from '../../../runtime/auth/revoker/rotating-bloom.js';

/**
 * `auth/revoker`: verified tokens whose watched claims were revoked over the
 * revocation API are refused; others pass. Real JWKS, real RS256 tokens, a
 * real HTTP revocation call.
 */
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('auth/revoker', () => {
  it('refuses (401) a verified token whose jti or sub was revoked, and only that one', async () => {
    const { call, api: post } = await revokerGateway({ N: 100000, P: 0.0000001, hash_name: 'optimal', TTL: 1500, port: 0, token_keys: ['jti', 'sub'], revoke_server_api_key: 'admin-key' }, cleanups);
    expect(await call({ jti: 'abc', sub: 'u1' })).toBe(200);

    const api = (path: string, body: unknown, key = 'admin-key') => post(path, body, { authorization: `Bearer ${key}` });
    expect((await api('/add', ['jti-abc'], 'wrong')).status).toBe(401);
    expect((await api('/add', { not: 'a list' })).status).toBe(400);
    expect(JSON.parse((await api('/add', ['jti-abc', 'sub-u9'])).body)).toEqual({ added: 2 });
    expect(JSON.parse((await api('/check', ['jti-abc', 'jti-zzz'])).body)).toEqual({ 'jti-abc': true, 'jti-zzz': false });

    expect(await call({ jti: 'abc', sub: 'u1' })).toBe(401);
    expect(await call({ jti: 'other', sub: 'u9' })).toBe(401);
    expect(await call({ jti: 'other', sub: 'u1' })).toBe(200);
  });

  it('keeps an entry for one to two rotations, with no false negatives', () => {
    const bloom = new RotatingBloom(10_000, 1e-6);
    for (let i = 0; i < 5000; i++) bloom.add(`jti-${i}`);
    for (let i = 0; i < 5000; i++) expect(bloom.has(`jti-${i}`)).toBe(true);
    let falsePositives = 0;
    for (let i = 5000; i < 105_000; i++) if (bloom.has(`jti-${i}`)) falsePositives++;
    expect(falsePositives).toBeLessThan(5);
    bloom.rotate();
    expect(bloom.has('jti-1')).toBe(true);
    bloom.rotate();
    expect(bloom.has('jti-1')).toBe(false);
  });
});
