import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base } from '../helpers/check.js';
import { startRuntime } from '../helpers/gateway.js';
import { headerLines, request } from '../helpers/servers.js';
import { recordingBackend, type RecordingBackend } from './hostile-kit.js';

/**
 * X-Forwarded-For is a header the gateway writes: which client address a
 * backend is told follows the service's policy, never simply the client's
 * own line. The test client connects from 127.0.0.1; the backend records the
 * X-Forwarded-For lines it receives.
 *
 * - hanzo (the default) with no router.trusted_proxies: the Go gateway's
 *   trusted-proxy walk (GATEWAY_TRUSTED_PROXIES, default loopback and private
 *   ranges): a peer outside the set is the client; behind a trusted proxy the
 *   chain is walked right to left to the first untrusted hop.
 * - krakend with no trusted_proxies: gin's defaults, every proxy trusted (the
 *   left-most entry, as Lura sends it).
 * - router.trusted_proxies, forwarded_by_client_ip and remote_ip_headers: gin's
 *   ClientIP under those settings, on either profile.
 */
let backend: RecordingBackend;
beforeAll(async () => {
  backend = await recordingBackend();
});
afterAll(async () => {
  await backend.close();
});

async function forwardedFor(options: {
  profile: 'hanzo' | 'krakend';
  router?: Record<string, unknown>;
  env?: Record<string, string>;
  headers: Array<[string, string]>;
}): Promise<string[]> {
  const config = base([{ endpoint: '/ip', output_encoding: 'no-op', extra_config: { 'auth/public': true }, backend: [{ url_pattern: '/ip', host: [backend.url] }] }],
    options.router ? { extra_config: { router: options.router } } : {});
  const gw = await startRuntime(config, { profile: options.profile, env: options.env ?? {} });
  try {
    const before = backend.seen.length;
    const r = await request(`${gw.url}/ip`, { headers: options.headers.flat() });
    expect(r.status).toBe(200);
    expect(backend.seen.length).toBe(before + 1);
    // The no-op pass-through took the raw-socket fast path, which runs the same request preamble.
    expect(gw.fastPath?.served).toBe(1);
    return headerLines(backend.seen[backend.seen.length - 1]!.rawHeaders, 'x-forwarded-for');
  } finally {
    await gw.close();
  }
}

describe('X-Forwarded-For to backends', () => {
  it('hanzo: a client outside the trusted proxies cannot name its address', async () => {
    const env = { GATEWAY_TRUSTED_PROXIES: '10.0.0.0/8' };
    expect(await forwardedFor({ profile: 'hanzo', env, headers: [['X-Forwarded-For', '6.6.6.6']] })).toEqual(['127.0.0.1']);
    expect(await forwardedFor({ profile: 'hanzo', env, headers: [['X-Real-IP', '6.6.6.6']] })).toEqual(['127.0.0.1']);
  });

  it('hanzo: behind a trusted proxy (loopback, by default) the chain is walked right to left to the first untrusted hop', async () => {
    expect(await forwardedFor({ profile: 'hanzo', headers: [['X-Forwarded-For', '1.2.3.4, 6.6.6.6']] })).toEqual(['6.6.6.6']);
    expect(await forwardedFor({ profile: 'hanzo', headers: [['X-Forwarded-For', '6.6.6.6, 10.1.1.1']] })).toEqual(['6.6.6.6']);
    expect(await forwardedFor({ profile: 'hanzo', headers: [] })).toEqual(['127.0.0.1']);
    // Only the first line counts (Go's Header.Get); a second line cannot add a hop.
    expect(await forwardedFor({ profile: 'hanzo', headers: [['X-Forwarded-For', '6.6.6.6'], ['X-Forwarded-For', '1.2.3.4']] })).toEqual(['6.6.6.6']);
  });

  it('krakend without trusted_proxies keeps Lura: the left-most entry', async () => {
    expect(await forwardedFor({ profile: 'krakend', headers: [['X-Forwarded-For', '1.2.3.4, 6.6.6.6']] })).toEqual(['1.2.3.4']);
    expect(await forwardedFor({ profile: 'krakend', headers: [['X-Real-IP', '5.5.5.5']] })).toEqual(['5.5.5.5']);
  });

  it('router.trusted_proxies: headers are believed only from a trusted peer, walked to the first untrusted hop', async () => {
    const untrusted = { trusted_proxies: ['10.0.0.0/8'] };
    expect(await forwardedFor({ profile: 'krakend', router: untrusted, headers: [['X-Forwarded-For', '1.2.3.4']] })).toEqual(['127.0.0.1']);
    const loopback = { trusted_proxies: ['127.0.0.1', '10.0.0.0/8'] }; // a bare IP is one address, as in gin
    expect(await forwardedFor({ profile: 'krakend', router: loopback, headers: [['X-Forwarded-For', '1.2.3.4, 6.6.6.6, 10.0.0.7']] })).toEqual(['6.6.6.6']);
    // The same settings under hanzo replace the Go gateway's default set.
    expect(await forwardedFor({ profile: 'hanzo', router: untrusted, headers: [['X-Forwarded-For', '1.2.3.4']] })).toEqual(['127.0.0.1']);
  });

  it('remote_ip_headers and forwarded_by_client_ip are read', async () => {
    const trusted = ['127.0.0.1'];
    expect(await forwardedFor({ profile: 'krakend', router: { trusted_proxies: trusted, remote_ip_headers: ['CF-Connecting-IP'] }, headers: [['X-Forwarded-For', '1.2.3.4'], ['CF-Connecting-IP', '8.8.4.4']] })).toEqual(['8.8.4.4']);
    // An unparsable value is skipped for the next header, as gin does.
    expect(await forwardedFor({ profile: 'krakend', router: { trusted_proxies: trusted }, headers: [['X-Forwarded-For', 'not-an-ip'], ['X-Real-IP', '9.9.9.9']] })).toEqual(['9.9.9.9']);
    expect(await forwardedFor({ profile: 'krakend', router: { trusted_proxies: trusted, forwarded_by_client_ip: false }, headers: [['X-Forwarded-For', '1.2.3.4']] })).toEqual(['127.0.0.1']);
  });
});

describe('check: router.trusted_proxies', () => {
  it('warns at an entry that is neither an address nor a CIDR, and accepts both forms', async () => {
    const { checkGateway } = await import('../helpers/check.js');
    const found = checkGateway(base([{ endpoint: '/a', extra_config: { 'auth/public': true }, backend: [{ url_pattern: '/a', host: ['http://127.0.0.1:8081'] }] }],
      { extra_config: { router: { trusted_proxies: ['10.0.0.0/8', '127.0.0.1', '::1', 'lb.internal', '10.0.0.0/33'] } } }))
      .filter((d) => d.ruleId === 'trusted-proxy-invalid').map((d) => [d.pointer, d.severity]);
    expect(found).toEqual([['/extra_config/router/trusted_proxies/3', 'warning'], ['/extra_config/router/trusted_proxies/4', 'warning']]);
  });
});
