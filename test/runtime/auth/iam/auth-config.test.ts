import { describe, expect, it } from 'vitest';
import { authConfigFromEnv, DEFAULT_AUDIENCES, validateAuthConfig } from '../../../../runtime/auth/iam/auth-config.js';

describe('Hanzo auth config from the environment (gin DefaultAuthConfig names)', () => {
  it('has the documented defaults', () => {
    expect(authConfigFromEnv({})).toEqual({
      enabled: true,
      jwksUrl: 'https://hanzo.id/v1/iam/.well-known/jwks',
      issuers: ['https://hanzo.id'],
      audiences: [...DEFAULT_AUDIENCES],
      billingUrl: 'http://commerce.hanzo.svc.cluster.local:8001',
      billingToken: '',
      billingEnabled: false,
      billingFailClosed: false,
      billingPaths: [],
      publicPaths: ['/healthz', '/__stats', '/.well-known/', '/favicon'],
      publicHosts: ['hanzo.id', 'lux.id', 'pars.id', 'id.bootno.de', 'id.zoo.network', 'iam.hanzo.ai'],
      requireAuth: false,
    });
    expect(DEFAULT_AUDIENCES).toEqual(['hanzo-app', 'hanzo-console', 'hanzo-chat', 'hanzo-id', 'hanzo-admin-guard', 'admin-console', 'hanzo-world', 'cowork', 'https://api.hanzo.ai']);
  });

  it('turns auth off only for exactly "false" and switches billing/require on only for exactly "true"', () => {
    expect(authConfigFromEnv({ AUTH_ENABLED: 'false' }).enabled).toBe(false);
    for (const v of ['False', ' false ', '0', 'no', 'off', 'flase', '']) expect(authConfigFromEnv({ AUTH_ENABLED: v }).enabled).toBe(true);
    expect(authConfigFromEnv({ BILLING_ENABLED: 'true' }).billingEnabled).toBe(true);
    expect(authConfigFromEnv({ BILLING_ENABLED: 'TRUE' }).billingEnabled).toBe(false);
    expect(authConfigFromEnv({ AUTH_REQUIRE: 'true' }).requireAuth).toBe(true);
    expect(authConfigFromEnv({ AUTH_REQUIRE: '1' }).requireAuth).toBe(false);
    expect(authConfigFromEnv({ BILLING_FAIL_CLOSED: 'false' }).billingFailClosed).toBe(false);
    expect(authConfigFromEnv({ BILLING_FAIL_CLOSED: 'true' }).billingFailClosed).toBe(true);
  });

  it('drops empty CSV entries, so "/healthz," cannot make every path public', () => {
    const c = authConfigFromEnv({ AUTH_PUBLIC_PATHS: '/healthz,', AUTH_PUBLIC_HOSTS: ' a.example , ,b.example', BILLING_PATHS: ' /v1/chat , ,/v1/completions,' });
    expect(c.publicPaths).toEqual(['/healthz']);
    expect(c.publicHosts).toEqual(['a.example', 'b.example']);
    expect(c.billingPaths).toEqual(['/v1/chat', '/v1/completions']);
    expect(authConfigFromEnv({ AUTH_PUBLIC_PATHS: ',' }).publicPaths).toEqual([]);
  });

  it('reads the URLs, issuer and token, with whitelabel issuers appended once', () => {
    const c = authConfigFromEnv({
      AUTH_JWKS_URL: 'http://iam:8000/jwks',
      AUTH_ISSUER: 'https://id.example',
      WHITELABEL_ISSUERS: 'https://lux.id, https://id.example,,https://pars.id',
      AUTH_BILLING_URL: 'http://commerce:8001/',
      COMMERCE_SERVICE_TOKEN: 'svc',
    });
    expect(c.jwksUrl).toBe('http://iam:8000/jwks');
    expect(c.issuers).toEqual(['https://id.example', 'https://lux.id', 'https://pars.id']);
    expect(c.billingUrl).toBe('http://commerce:8001');
    expect(c.billingToken).toBe('svc');
  });

  it('lets GATEWAY_ALLOWED_AUDIENCES replace the default list and AUTH_AUDIENCE only widen it', () => {
    expect(authConfigFromEnv({ GATEWAY_ALLOWED_AUDIENCES: 'a, b,,' }).audiences).toEqual(['a', 'b']);
    expect(authConfigFromEnv({ GATEWAY_ALLOWED_AUDIENCES: 'a', AUTH_AUDIENCE: 'c' }).audiences).toEqual(['a', 'c']);
    expect(authConfigFromEnv({ GATEWAY_ALLOWED_AUDIENCES: 'a', AUTH_AUDIENCE: 'a' }).audiences).toEqual(['a']);
    expect(authConfigFromEnv({ AUTH_AUDIENCE: 'extra' }).audiences).toEqual([...DEFAULT_AUDIENCES, 'extra']);
    expect(authConfigFromEnv({ GATEWAY_ALLOWED_AUDIENCES: ' , ' }).audiences).toEqual([...DEFAULT_AUDIENCES]);
  });

  it('reports billing switched on without a Commerce token with the Go message', () => {
    expect(validateAuthConfig(authConfigFromEnv({}))).toEqual([]);
    expect(validateAuthConfig(authConfigFromEnv({ BILLING_ENABLED: 'true' }))).toEqual(['auth: BILLING_ENABLED=true requires COMMERCE_SERVICE_TOKEN (from KMS)']);
    expect(validateAuthConfig({ ...authConfigFromEnv({ BILLING_ENABLED: 'true' }), billingUrl: '' })).toEqual([
      'auth: BILLING_ENABLED=true requires AUTH_BILLING_URL (Commerce endpoint)',
      'auth: BILLING_ENABLED=true requires COMMERCE_SERVICE_TOKEN (from KMS)',
    ]);
    expect(validateAuthConfig(authConfigFromEnv({ BILLING_ENABLED: 'true', COMMERCE_SERVICE_TOKEN: 't' }))).toEqual([]);
  });
});
