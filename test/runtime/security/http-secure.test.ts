import { afterEach, describe, expect, it } from 'vitest';
import { base } from '../../helpers/check.js';
import { startRuntime } from '../../helpers/gateway.js';
import { request, startServer } from '../../helpers/servers.js';

/**
 * `security/http` (krakend-httpsecure) in a running gateway: allowed hosts,
 * the HTTPS redirect, HSTS only over TLS (as a proxy header says) or when
 * forced, and the fixed security headers on every answer, errors included.
 */
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function gateway(secure: Record<string, unknown>) {
  const be = await startServer((_req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}'));
  cleanups.push(() => be.close());
  const gw = await startRuntime(base([{ endpoint: '/a', backend: [{ url_pattern: '/a', host: [be.url] }] }], { extra_config: { 'security/http': secure } }));
  cleanups.push(() => gw.close());
  return gw;
}

describe('security/http', () => {
  it('answers 500 Bad Host for a Host not allowed (compared whole, any case), and serves the allowed ones', async () => {
    const gw = await gateway({ allowed_hosts: ['api.example.com', 'api.example.com:8443'], host_proxy_headers: ['X-Forwarded-Host'] });
    expect((await request(`${gw.url}/a`, { headers: { host: 'API.example.com' } })).status).toBe(200);
    expect((await request(`${gw.url}/a`, { headers: { host: 'api.example.com:8443' } })).status).toBe(200);
    const bad = await request(`${gw.url}/a`, { headers: { host: 'evil.example.com' } });
    expect(bad.status).toBe(500);
    expect(bad.body).toBe('Bad Host\n');
    // A proxy header with the original host takes precedence over Host.
    expect((await request(`${gw.url}/a`, { headers: { host: 'internal:8080', 'x-forwarded-host': 'api.example.com' } })).status).toBe(200);
  });

  it('accepts allowed hosts as regular expressions when told to', async () => {
    const gw = await gateway({ allowed_hosts: ['[a-z]+\\.example\\.com'], allowed_hosts_are_regex: true });
    expect((await request(`${gw.url}/a`, { headers: { host: 'shop.example.com' } })).status).toBe(200);
    expect((await request(`${gw.url}/a`, { headers: { host: 'shop.example.com.evil.io' } })).status).toBe(500);
    // Longer than any host can be: refused before any pattern runs.
    expect((await request(`${gw.url}/a`, { headers: { host: `${'a'.repeat(300)}.example.com` } })).status).toBe(500);
  });

  it('redirects plain HTTP to https (301, ssl_host if set), but not what a proxy header marks as TLS', async () => {
    const gw = await gateway({ ssl_redirect: true, ssl_host: 'secure.example.com', ssl_proxy_headers: { 'X-Forwarded-Proto': 'https' } });
    const plain = await request(`${gw.url}/a?x=1`, { headers: { host: 'api.example.com' } });
    expect(plain.status).toBe(301);
    expect(plain.headers.location).toBe('https://secure.example.com/a?x=1');
    expect((await request(`${gw.url}/a`, { headers: { 'x-forwarded-proto': 'https' } })).status).toBe(200);
  });

  it('sets HSTS only over TLS or when forced, and the fixed headers on every answer (404 too)', async () => {
    const headers = { sts_seconds: 31536000, sts_include_subdomains: true, frame_deny: true, content_type_nosniff: true, browser_xss_filter: true, content_security_policy: "default-src 'self'", referrer_policy: 'same-origin', ssl_proxy_headers: { 'X-Forwarded-Proto': 'https' } };
    const gw = await gateway(headers);
    const plain = await request(`${gw.url}/a`);
    expect(plain.headers['strict-transport-security']).toBeUndefined();
    expect(plain.headers['x-frame-options']).toBe('DENY');
    expect(plain.headers['x-content-type-options']).toBe('nosniff');
    expect(plain.headers['x-xss-protection']).toBe('1; mode=block');
    expect(plain.headers['content-security-policy']).toBe("default-src 'self'");
    expect(plain.headers['referrer-policy']).toBe('same-origin');
    const tls = await request(`${gw.url}/missing`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(tls.status).toBe(404);
    expect(tls.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    expect(tls.headers['x-frame-options']).toBe('DENY');
    const forced = await gateway({ sts_seconds: 60, force_sts_header: true, custom_frame_options_value: 'SAMEORIGIN', frame_deny: true });
    const f = await request(`${forced.url}/a`);
    expect(f.headers['strict-transport-security']).toBe('max-age=60');
    expect(f.headers['x-frame-options']).toBe('SAMEORIGIN');
  });

  it('skips the host check, the redirect and HSTS with is_development', async () => {
    const gw = await gateway({ is_development: true, allowed_hosts: ['only.example.com'], ssl_redirect: true, sts_seconds: 60, force_sts_header: true, frame_deny: true });
    const res = await request(`${gw.url}/a`, { headers: { host: 'other.example.com' } });
    expect(res.status).toBe(200);
    expect(res.headers['strict-transport-security']).toBeUndefined();
    expect(res.headers['x-frame-options']).toBe('DENY');
  });
});
