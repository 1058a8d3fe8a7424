import { describe, expect, it } from 'vitest';
import { base, checkGateway, ids, planOf } from '../helpers/check.js';
import { runHgwInProcess } from '../helpers/cli.js';
import { brandForHost } from '../../runtime/core/brand-for-host.js';
import { authConfigFromEnv } from '../../runtime/auth/iam/auth-config.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Profiles at plan and check time: which gateway a config builds, what the edge chain runs under each,
 * the three profile rules, the flag on the CLI, and the Go facts the hanzo profile leans on (brandForHost's
 * table, both IAM environment sets).
 */
const ep = (path: string, extra?: Record<string, unknown>, more: Record<string, unknown> = {}) => ({
  endpoint: path,
  backend: [{ url_pattern: path }],
  ...more,
  ...(extra ? { extra_config: extra } : {}),
});

describe('the profile a config builds', () => {
  it('is hanzo by default, the config key next, the flag above both', () => {
    const plain = base([ep('/a')]);
    const keyed = base([ep('/a')], { extra_config: { 'github.com/hanzoai/gateway/profile': 'krakend' } });
    expect(planOf(plain, undefined, undefined).service.profile).toEqual({ name: 'krakend', source: 'default' }); // the test helper's default
    expect(planOf(plain, undefined, 'hanzo').service.profile).toEqual({ name: 'hanzo', source: 'flag' });
    expect(planOf(keyed).service.profile).toEqual({ name: 'krakend', source: 'config' });
    expect(planOf(keyed, undefined, 'hanzo').service.profile).toEqual({ name: 'hanzo', source: 'flag' });
  });

  it('runs the whole edge under hanzo, and under krakend only when the edge namespace is named', () => {
    const hanzo = planOf(base([ep('/a')]), undefined, 'hanzo');
    expect(hanzo.service.edge).toEqual({ productionHeaders: true, cors: true, iam: true, strip: true, widgetGate: true, requireIdentity: 'off', cloudApiHosts: true });
    expect(hanzo.service.router.disableHealth).toBe(true);
    expect(hanzo.modules).toEqual(expect.arrayContaining(['core/production-headers', 'security/hanzo-cors', 'auth/hanzo-iam', 'auth/widget-gate']));
    const krakend = planOf(base([ep('/a')]), undefined, 'krakend');
    expect(krakend.service.edge).toBeUndefined();
    expect(krakend.service.router.disableHealth).toBe(false);
    expect(krakend.modules.filter((m) => m.startsWith('auth/') || m.includes('hanzo') || m === 'core/production-headers')).toEqual([]);
    const named = planOf(base([ep('/a')], { extra_config: { 'github.com/hanzoai/gateway/edge': { widget_gate: false } } }), undefined, 'krakend');
    expect(named.service.edge).toMatchObject({ productionHeaders: false, iam: true, widgetGate: false, requireIdentity: 'all' });
  });

  it('keeps stripping identity under hanzo when the IAM gate is switched off', () => {
    const off = planOf(base([ep('/a')], { extra_config: { 'github.com/hanzoai/gateway/edge': { iam: false } } }), undefined, 'hanzo');
    expect(off.service.edge).toMatchObject({ iam: false, strip: true, requireIdentity: 'off' });
    // In the credential-policy form requireIdentity stays on without the gate (nobody has an identity).
    const offPolicy = planOf(base([ep('/a', { 'auth/public': true }), ep('/b', { 'auth/public': false })], { extra_config: { 'github.com/hanzoai/gateway/edge': { iam: false } } }), undefined, 'hanzo');
    expect(offPolicy.service.edge).toMatchObject({ iam: false, strip: true, requireIdentity: 'policy' });
    // Under krakend too, and then the strip comes with it: requireIdentity must never read a client's X-User-Id.
    const krakendOff = planOf(base([ep('/a', { 'auth/public': true }), ep('/b', { 'auth/public': false })], { extra_config: { 'github.com/hanzoai/gateway/edge': { iam: false } } }), undefined, 'krakend');
    expect(krakendOff.service.edge).toMatchObject({ iam: false, strip: true, requireIdentity: 'policy' });
    expect(krakendOff.modules).toEqual(expect.arrayContaining(['auth/identity-strip', 'auth/require-identity']));
    expect(off.modules).toContain('auth/identity-strip');
    expect(off.modules).not.toContain('auth/hanzo-iam');
  });

  it('turns requireIdentity on for the credential-policy form only', () => {
    const policy = planOf(base([ep('/a', { 'auth/public': true }), ep('/b', { 'auth/public': false })]), undefined, 'hanzo');
    expect(policy.service.edge?.requireIdentity).toBe('policy');
    expect(policy.modules).toContain('auth/require-identity');
    const validators = planOf(base([ep('/a', { 'auth/validator': { alg: 'RS256', jwk_url: 'http://k:1/jwks' } })]), undefined, 'hanzo');
    expect(validators.service.edge?.requireIdentity).toBe('off');
  });

  it('leaves KrakenD\'s security/cors unlinked under hanzo, linked under krakend', () => {
    const config = base([ep('/a')], { extra_config: { 'security/cors': { allow_origins: ['*'] } } });
    expect(planOf(config, undefined, 'hanzo').modules).not.toContain('security/cors');
    expect(planOf(config, undefined, 'krakend').modules).toContain('security/cors');
  });
});

describe('the profile rules', () => {
  it('credential-policy-missing: each unclassified endpoint, with the Go engine\'s count', () => {
    const ds = checkGateway(base([ep('/a', { 'auth/public': true }), ep('/b'), ep('/c', { 'auth/validator': { alg: 'RS256', jwk_url: 'http://k:1/jwks' } }), ep('/d')]));
    const policy = ds.filter((d) => d.ruleId === 'credential-policy-missing');
    expect(policy.map((d) => [d.pointer, d.severity])).toEqual([['/endpoints/1/endpoint', 'error'], ['/endpoints/3/endpoint', 'error']]);
    expect(policy[0]!.message).toMatch(/^2 of 4 endpoints state no credential policy: /);
    // The older form (no auth/public anywhere) is not checked.
    expect(ids(checkGateway(base([ep('/a'), ep('/b')])))).not.toContain('credential-policy-missing');
  });

  it('cors-not-wired: security/cors at service and endpoint level under hanzo, nothing under krakend', () => {
    const config = base([ep('/a', { 'security/cors': { allow_origins: ['*'] } })], { extra_config: { 'security/cors': { allow_origins: ['*'] } } });
    expect(checkGateway(config).filter((d) => d.ruleId === 'cors-not-wired').map((d) => d.pointer)).toEqual(['/extra_config/security~1cors', '/endpoints/0/extra_config/security~1cors']);
    expect(ids(checkGateway(config, 'krakend'))).not.toContain('cors-not-wired');
  });

  it('identity-header-forgeable: under krakend without the edge, for identity headers and "*" not written by a validator', () => {
    const config = base([
      ep('/a', undefined, { input_headers: ['X-User-Id', 'x_org_id', 'Content-Type', 'X-Hanzo-Test'] }),
      ep('/b', { 'auth/validator': { alg: 'RS256', jwk_url: 'http://k:1/jwks', propagate_claims: [['sub', 'X-User-Id']] } }, { input_headers: ['X-User-Id'] }),
      ep('/c', undefined, { input_headers: ['*'] }),
    ]);
    expect(checkGateway(config, 'krakend').filter((d) => d.ruleId === 'identity-header-forgeable').map((d) => d.pointer)).toEqual([
      '/endpoints/0/input_headers/0',
      '/endpoints/0/input_headers/1',
      '/endpoints/0/input_headers/3',
      '/endpoints/2/input_headers/0',
    ]);
    expect(ids(checkGateway(config, 'hanzo'))).not.toContain('identity-header-forgeable');
    const withEdge = { ...config, extra_config: { 'github.com/hanzoai/gateway/edge': {} } };
    expect(ids(checkGateway(withEdge, 'krakend'))).not.toContain('identity-header-forgeable');
  });
});

describe('the --profile flag', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hgw-profile-'));
  const file = join(dir, 'gateway.json');
  writeFileSync(file, JSON.stringify(base([ep('/a')]), null, 2));

  it('check -d names the profile and why, and the Plan carries it', async () => {
    const dflt = await runHgwInProcess(['check', '-d', file]);
    expect(dflt.code).toBe(0);
    expect(dflt.stderr).toMatch(/Profile: hanzo \(the Go Hanzo gateway's engine\), the default/);
    expect(JSON.parse(dflt.stdout).service.profile).toEqual({ name: 'hanzo', source: 'default' });
    const flag = await runHgwInProcess(['check', '-d', '--profile', 'krakend', file]);
    expect(flag.stderr).toMatch(/Profile: krakend \(plain KrakenD CE \/ Lura\), chosen with --profile/);
  });

  it('refuses an unknown profile as a usage error', async () => {
    for (const cmd of ['check', 'build', 'run']) {
      const r = await runHgwInProcess([cmd, '--profile', 'nginx', file]);
      expect(r.code, cmd).toBe(2);
      expect(r.stderr).toMatch(/unknown --profile "nginx"; use one of hanzo, krakend/);
    }
  });
});

describe('Go facts the hanzo profile uses', () => {
  it('brandForHost: brand_test.go\'s table', () => {
    const table: Array<[string, string]> = [
      ['api.hanzo.ai', 'hanzo'], ['hanzo.ai', 'hanzo'], ['hanzo.cloud', 'hanzo'], ['studio.hanzo.app', 'hanzo'],
      ['api.lux.network', 'lux'], ['api.lux.network.', 'lux'], ['lux.network', 'lux'], ['console.lux.cloud', 'lux'],
      ['api.zoo.ngo', 'zoo'], ['zoo.network', 'zoo'], ['console.zoo.cloud', 'zoo'],
      ['api.pars.network', 'pars'], ['pars.ai', 'pars'], ['bootno.de', 'bootnode'], ['API.HANZO.AI:443', 'hanzo'],
      ['api.unknown.dev', ''], ['localhost', ''], ['10.0.0.5', ''], ['hanzo.ai.evil.example', ''], ['nothanzo.ai', ''],
    ];
    for (const [host, brand] of table) expect(brandForHost(host), host).toBe(brand);
  });

  it('reads the zip mount\'s IAM variables after the gin builder\'s', () => {
    const zip = authConfigFromEnv({ JWKS_URL: 'http://keys/zip', JWT_ISSUER: 'https://zip.example', JWT_AUDIENCE: 'zip-aud' });
    expect(zip.jwksUrl).toBe('http://keys/zip');
    expect(zip.issuers).toEqual(['https://zip.example']);
    expect(zip.audiences).toContain('zip-aud');
    const both = authConfigFromEnv({ AUTH_JWKS_URL: 'http://keys/gin', JWKS_URL: 'http://keys/zip', AUTH_ISSUER: 'https://gin.example', JWT_ISSUER: 'https://zip.example', AUTH_AUDIENCE: 'gin-aud', JWT_AUDIENCE: 'zip-aud' });
    expect(both.jwksUrl).toBe('http://keys/gin');
    expect(both.issuers).toEqual(['https://gin.example']);
    expect(both.audiences).toEqual(expect.arrayContaining(['gin-aud', 'zip-aud', 'hanzo-app']));
  });
});
