import { afterEach, describe, expect, it } from 'vitest';
import { networkInterfaces } from 'node:os';
import { request as httpRequest } from 'node:http';
import { base, checkGateway } from '../helpers/check.js';
import { startRuntime } from '../helpers/gateway.js';
import { request } from '../helpers/servers.js';
import { revokerGateway } from '../helpers/revoker-gateway.js';
import { apiKeyCheck } from '../../runtime/auth/revoker/api-key.js';

/**
 * Issue 15, finding 5: `auth/revoker`'s revocation API listened on every
 * interface with no key by default, and took any number of entries, so a
 * flood of junk saturated the filter and never-revoked tokens got 401. It
 * now binds loopback unless `listen_ip` says otherwise, refuses to be
 * exposed without a key, compares keys in constant time, and takes at most
 * `N` adds per TTL window (429 past it, logged).
 */
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const revoker = (more: Record<string, unknown> = {}) => ({ N: 1000, P: 0.0000001, hash_name: 'optimal', TTL: 1500, port: 0, token_keys: ['jti'], ...more });

const gatewayWithRevoker = (settings: Record<string, unknown>) => revokerGateway(settings, cleanups);

/** A non-loopback IPv4 address of this host, if it has one. */
function outsideAddress(): string | undefined {
  return Object.values(networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
}

function connects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = httpRequest({ host, port, method: 'POST', path: '/check', agent: false, timeout: 5000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end('[]');
  });
}

describe('auth/revoker revocation API', () => {
  it('binds loopback by default: not reachable on the host\'s other addresses', async () => {
    const { ip, port, api } = await gatewayWithRevoker(revoker());
    expect(ip).toBe('127.0.0.1');
    expect((await api('/check', ['jti-x'])).status).toBe(200);
    const outside = outsideAddress();
    if (outside) expect(await connects(outside, port)).toBe(false);
  });

  it('needs a key to bind elsewhere: a check error at listen_ip, and the gateway does not start', async () => {
    const config = base([{ endpoint: '/x', backend: [{ url_pattern: '/x' }] }], { extra_config: { 'auth/revoker': revoker({ listen_ip: '0.0.0.0' }) } });
    expect(checkGateway(config).map((d) => [d.ruleId, d.pointer])).toEqual([['revoker-api-key', '/extra_config/auth~1revoker/listen_ip']]);
    await expect(startRuntime(config)).rejects.toThrow(/no revoke_server_api_key/);
    const keyed = base([{ endpoint: '/x', backend: [{ url_pattern: '/x' }] }], { extra_config: { 'auth/revoker': revoker({ listen_ip: '0.0.0.0', revoke_server_api_key: 'k' }) } });
    expect(checkGateway(keyed)).toEqual([]);
    expect(checkGateway(base([{ endpoint: '/x', backend: [{ url_pattern: '/x' }] }], { extra_config: { 'auth/revoker': revoker({ listen_ip: 'localhost' }) } })).map((d) => d.ruleId)).toEqual(['revoker-listen-ip']);
  });

  it('bound elsewhere with a key, answers only that key', async () => {
    const outside = outsideAddress();
    const { ip, port } = await gatewayWithRevoker(revoker({ listen_ip: '0.0.0.0', revoke_server_api_key: 's3cret-key' }));
    expect(ip).toBe('0.0.0.0');
    const host = outside ?? '127.0.0.1';
    const post = (headers: Record<string, string>) => request(`http://${host}:${port}/check`, { method: 'POST', body: '["jti-a"]', headers });
    expect((await post({})).status).toBe(401);
    expect((await post({ authorization: 'Bearer s3cret' })).status).toBe(401); // a prefix
    expect((await post({ authorization: 'Bearer s3cret-key-and-more' })).status).toBe(401); // longer
    expect((await post({ authorization: 's3cret-key' })).status).toBe(401); // no scheme
    expect((await post({ authorization: 'Bearer s3cret-key' })).status).toBe(200);
  });

  it('compares keys over equal-length digests (timingSafeEqual never sees the lengths differ)', () => {
    const check = apiKeyCheck('k3y');
    expect(check('Bearer k3y')).toBe(true);
    for (const wrong of [undefined, '', 'Bearer k3', 'Bearer k3y ', 'bearer k3y', 'Bearer ' + 'x'.repeat(10_000)]) expect(check(wrong)).toBe(false);
    expect(apiKeyCheck('')('anything')).toBe(true); // no key: loopback only, enforced where it binds
  });

  it('takes at most N adds per TTL window: a junk flood gets 429 and never-revoked tokens keep passing', async () => {
    const { gw, api, call } = await gatewayWithRevoker(revoker({ N: 1000 }));
    expect(JSON.parse((await api('/add', ['jti-revoked'])).body)).toEqual({ added: 1 });
    const junk = Array.from({ length: 50_000 }, (_, i) => `jti-junk-${i}`);
    const flood = await api('/add', junk);
    expect(flood.status).toBe(429);
    expect(flood.headers['retry-after']).toBe('1500');
    // Up to N in all: 999 more fit, the 1000th more does not.
    expect((await api('/add', junk.slice(0, 999))).status).toBe(200);
    expect((await api('/add', ['jti-one-more'])).status).toBe(429);
    expect(gw.logs.filter((l) => l.includes('auth/revoker: refused')).length).toBe(1);

    expect(await call({ jti: 'revoked' })).toBe(401);
    let refused = 0;
    for (let i = 0; i < 20; i++) if ((await call({ jti: `never-revoked-${i}` })) === 401) refused++;
    expect(refused).toBe(0);
  });

  it('opens a new window on rotation', async () => {
    const { api } = await gatewayWithRevoker(revoker({ N: 2, TTL: 1 }));
    expect((await api('/add', ['jti-a', 'jti-b'])).status).toBe(200);
    expect((await api('/add', ['jti-c'])).status).toBe(429);
    let status = 429;
    for (let i = 0; i < 50 && status === 429; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await api('/add', ['jti-c'])).status;
    }
    expect(status).toBe(200);
  });
});
