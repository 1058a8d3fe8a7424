import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../cli/diagnostics/diagnostic.js';
import { base, checkGateway, planOf } from '../helpers/check.js';

/**
 * Module settings are parsed when the Plan is built (issue 17 point 2): what a
 * module's parser finds wrong is a `check` diagnostic at its file position, and
 * the Plan carries the parsed settings with defaults filled in.
 */
function settingsFindings(config: unknown): Diagnostic[] {
  return checkGateway(config, 'krakend').filter((d) => d.ruleId === 'module-settings');
}

/** 1-based line and column of the first `"key"` after `after` in the 2-space JSON checkGateway loads. */
function positionOf(config: unknown, key: string, after = ''): { line: number; column: number } {
  const text = JSON.stringify(config, null, 2);
  const offset = text.indexOf(`"${key}"`, after ? text.indexOf(`"${after}"`) : 0);
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

function at(d: Diagnostic): { line: number; column: number } {
  return { line: d.range.start.line, column: d.range.start.column };
}

describe('module-settings: security/cors', () => {
  const config = base([{ endpoint: '/a', backend: [{ url_pattern: '/a' }] }], {
    extra_config: { 'security/cors': { allow_origins: ['https://*.a.*.test'], options_success_status: 42 } },
  });

  it('reports a status out of range and a two-star origin at their positions, as warnings', () => {
    const found = settingsFindings(config);
    expect(found.map((d) => [d.pointer, d.severity])).toEqual([
      ['/extra_config/security~1cors/options_success_status', 'warning'],
      ['/extra_config/security~1cors/allow_origins/0', 'warning'],
    ]);
    expect(at(found[0]!)).toEqual(positionOf(config, 'options_success_status'));
    expect(found[0]!.message).toMatch(/options_success_status 42 is not an HTTP status: preflights are answered 204/);
    expect(found[0]!.hint).toMatch(/100 to 999/);
  });

  it('puts the parsed settings, defaults filled in, on the Plan', () => {
    expect(planOf(config).service.settings['security/cors']).toMatchObject({ allowOrigins: ['https://*.a.*.test'], allowMethods: ['GET', 'POST', 'HEAD'], optionsSuccessStatus: 204, maxAgeSeconds: 0 });
  });
});

describe('module-settings: qos/ratelimit', () => {
  const config = base(
    [
      { endpoint: '/a', extra_config: { 'qos/ratelimit/router': { client_max_rate: 5, strategy: 'cookie' } }, backend: [{ url_pattern: '/a', extra_config: { 'qos/ratelimit/proxy': { max_rate: 1, capacity: 1, store: 'memcached://x' } } }] },
      { endpoint: '/b', extra_config: { 'qos/ratelimit/router': { client_max_rate: 5, strategy: 'header' } }, backend: [{ url_pattern: '/b' }] },
      { endpoint: '/c', extra_config: { 'qos/ratelimit/router': { client_max_rate: 5 } }, backend: [{ url_pattern: '/c' }] },
    ],
    { extra_config: { 'qos/ratelimit/router': { max_rate: 100, store: 'local' } } },
  );

  it('reports a missing strategy, a header strategy without key and stores that are not Redis URLs, at their positions', () => {
    const found = settingsFindings(config);
    // An unknown strategy ("cookie") is the schema's finding, not reported twice.
    expect(found.map((d) => [d.pointer, d.severity])).toEqual([
      ['/extra_config/qos~1ratelimit~1router/store', 'warning'],
      ['/endpoints/0/backend/0/extra_config/qos~1ratelimit~1proxy/store', 'warning'],
      ['/endpoints/1/extra_config/qos~1ratelimit~1router/strategy', 'warning'],
      ['/endpoints/2/extra_config/qos~1ratelimit~1router/client_max_rate', 'warning'],
    ]);
    expect(checkGateway(config, 'krakend').filter((d) => d.pointer === '/endpoints/0/extra_config/qos~1ratelimit~1router/strategy').map((d) => d.ruleId)).toEqual(['schema-enum']);
    expect(at(found[1]!)).toEqual(positionOf(config, 'store', 'qos/ratelimit/proxy'));
    expect(found[1]!.message).toMatch(/store "memcached:\/\/x" is not a redis:\/\/ or rediss:\/\/ URL: the limit is kept in this gateway only/);
    expect(found[2]!.message).toMatch(/every request is refused with 429/);
    expect(found[3]!.message).toBe('qos/ratelimit/router: client_max_rate without a strategy: no per-client limit');
  });

  it('puts buckets on the Plan: the per-second rate as default capacity, every in seconds', () => {
    const plan = planOf(config);
    expect(plan.service.settings['qos/ratelimit-router']?.global).toMatchObject({ capacity: 100 });
    expect(plan.service.settings['qos/ratelimit-router']?.store).toBeUndefined();
    expect(plan.endpoints[0]!.backends[0]!.settings['qos/ratelimit-proxy']?.limits.capacity).toBe(1);
  });
});

describe('module-settings: auth/validator and auth/signer', () => {
  const config = base([
    { endpoint: '/a', extra_config: { 'auth/validator': { alg: 'RS256', jwk_url: 'http://issuer.test/jwks.json', cache_duration: 60 } }, backend: [{ url_pattern: '/a' }] },
    { endpoint: '/b', extra_config: { 'auth/validator': { alg: 'HS256', issuer: 'me', jwk_url: '' } }, backend: [{ url_pattern: '/b' }] },
    { endpoint: '/login', extra_config: { 'auth/signer': { alg: 'HS256', kid: 'k', keys_to_sign: [], jwk_url: 'https://issuer.test/private.json' } }, backend: [{ url_pattern: '/login' }] },
  ]);

  it('an empty key source is an error (the gateway refuses to start); plain-http keys, an unused cache_duration and nothing to sign are warnings', () => {
    const found = settingsFindings(config);
    expect(found.map((d) => [d.pointer, d.severity])).toEqual([
      ['/endpoints/0/extra_config/auth~1validator/cache_duration', 'warning'],
      ['/endpoints/0/extra_config/auth~1validator/jwk_url', 'warning'],
      ['/endpoints/1/extra_config/auth~1validator/jwk_url', 'error'],
      ['/endpoints/2/extra_config/auth~1signer/keys_to_sign', 'warning'],
    ]);
    expect(at(found[2]!)).toEqual(positionOf(config, 'jwk_url', '/b'));
    expect(found[2]!.message).toMatch(/jwk_url and jwk_local_path are empty/);
  });

  it('puts the validator with its defaults on the Plan, durations in ms', () => {
    const settings = planOf(config).endpoints[0]!.settings['auth/validator'];
    expect(settings).toMatchObject({ alg: 'RS256', rolesKey: 'roles', scopesKey: 'scope', scopesMatcher: 'any', authHeaderName: 'Authorization', cacheMs: 0, leewayMs: 1000, cooldownMs: 10_000 });
  });
});

describe('module-settings: qos/circuit-breaker and qos/http-cache', () => {
  const config = base([
    {
      endpoint: '/a',
      backend: [{ url_pattern: '/a', extra_config: { 'qos/circuit-breaker': { interval: 60, timeout: 0, max_errors: -1 }, 'qos/http-cache': { shared: false } } }],
    },
  ]);

  it('reports the values gobreaker replaces, at their positions', () => {
    const found = settingsFindings(config);
    expect(found.map((d) => [d.pointer, d.severity])).toEqual([
      ['/endpoints/0/backend/0/extra_config/qos~1circuit-breaker/timeout', 'warning'],
      ['/endpoints/0/backend/0/extra_config/qos~1circuit-breaker/max_errors', 'warning'],
    ]);
    expect(at(found[1]!)).toEqual(positionOf(config, 'max_errors'));
    expect(found[0]!.message).toMatch(/the breaker stays open 60 s/);
  });

  it('puts the defaults on the Plan', () => {
    const be = planOf(config).endpoints[0]!.backends[0]!;
    expect(be.settings['qos/circuit-breaker']).toEqual({ name: '', intervalMs: 60_000, openTimeoutMs: 60_000, maxErrors: 4294967295, logStatusChange: false });
    expect(be.settings['qos/http-cache']).toEqual({ shared: false, maxItems: 1000, maxSize: 64 * 1024 * 1024 });
  });
});

describe('module-settings: telemetry/logging', () => {
  const config = base([{ endpoint: '/a', backend: [{ url_pattern: '/a' }] }], { extra_config: { 'telemetry/logging': { level: 'DEBUG', format: 'custom' } } });

  it('reports a custom format without its pattern at the format', () => {
    const found = settingsFindings(config);
    expect(found.map((d) => [d.pointer, d.severity])).toEqual([['/extra_config/telemetry~1logging/format', 'warning']]);
    expect(at(found[0]!)).toEqual(positionOf(config, 'format'));
  });

  it('puts krakend-gologging\'s defaults on the Plan', () => {
    expect(planOf(base([{ endpoint: '/a', backend: [{ url_pattern: '/a' }] }], { extra_config: { 'telemetry/logging': { level: 'warning' } } })).service.settings['telemetry/logging']).toEqual({
      level: 'WARNING', prefix: '[GATEWAY]', format: 'default', stdout: false, syslog: false, syslogFacility: 'local3',
    });
  });
});

describe('module-settings: telemetry/metrics and telemetry/opentelemetry', () => {
  const config = base([{ endpoint: '/a', backend: [{ url_pattern: '/a' }] }], {
    extra_config: {
      'telemetry/metrics': { listen_address: ':8091' },
      'telemetry/opentelemetry': { metric_reporting_period: 0, exporters: { prometheus: [{ name: 'p', port: 9091 }] } },
    },
  });

  it('reports a reporting period that is not positive (the schema checks addresses, rates and exporter kinds)', () => {
    const found = settingsFindings(config);
    expect(found.map((d) => [d.pointer, d.severity])).toEqual([['/extra_config/telemetry~1opentelemetry/metric_reporting_period', 'warning']]);
    expect(at(found[0]!)).toEqual(positionOf(config, 'metric_reporting_period'));
  });

  it('puts the listener address and the exporters with their defaults on the Plan', () => {
    const service = planOf(base([{ endpoint: '/a', backend: [{ url_pattern: '/a' }] }], { extra_config: { 'telemetry/metrics': {}, 'telemetry/opentelemetry': { exporters: { otlp: [{ name: 'c' }] } } } })).service;
    expect(service.settings['telemetry/metrics']).toMatchObject({ listenAddress: ':8090', port: 8090 });
    expect(service.settings['telemetry/opentelemetry']).toMatchObject({ serviceName: 'krakend', traceSampleRate: 1, metricReportingPeriodMs: 30_000, otlp: [{ name: 'c', host: 'localhost', port: 4317, useHttp: false }] });
  });
});

describe('module-settings: security/http and security/bot-detector', () => {
  const config = base([{ endpoint: '/a', backend: [{ url_pattern: '/a' }] }], {
    extra_config: { 'security/http': { sts_seconds: -1 }, 'security/bot-detector': { deny: ['a'], cache_size: 10 } },
  });

  it('reports a negative sts_seconds at its position', () => {
    const found = settingsFindings(config);
    expect(found.map((d) => [d.pointer, d.severity])).toEqual([['/extra_config/security~1http/sts_seconds', 'warning']]);
    expect(at(found[0]!)).toEqual(positionOf(config, 'sts_seconds'));
  });

  it('puts Go\'s zero values and the detector\'s lists on the Plan', () => {
    const service = planOf(config).service;
    expect(service.settings['security/http']).toMatchObject({ allowedHosts: [], sslRedirect: false, stsSeconds: -1, hpkpPublicKey: '' });
    expect(service.settings['security/bot-detector']).toEqual({ allow: [], deny: ['a'], patterns: [], cacheSize: 10, emptyUserAgentIsBot: false });
  });
});

describe('module-settings: validation/cel, validation/json-schema and modifier/martian', () => {
  it('puts the definitions on the Plan as the runtime compiles them (their lint rules report what does not compile)', () => {
    const config = base([
      {
        endpoint: '/a',
        extra_config: { 'validation/cel': [{ check_expr: "req_method == 'GET'" }, { check_expr: '' }], 'validation/json-schema': { type: 'object' } },
        backend: [{ url_pattern: '/a', extra_config: { 'modifier/martian': { 'header.Modifier': { scope: ['request'], name: 'X-A', value: '1' } } } }],
      },
    ]);
    expect(settingsFindings(config)).toEqual([]);
    const ep = planOf(config).endpoints[0]!;
    expect(ep.settings['validation/cel']).toEqual([{ check_expr: "req_method == 'GET'" }]);
    expect(ep.settings['validation/json-schema']).toEqual({ schema: { type: 'object' } });
    expect(ep.backends[0]!.settings['modifier/martian']).toEqual({ modifier: { 'header.Modifier': { scope: ['request'], name: 'X-A', value: '1' } } });
  });
});

describe('module-settings: auth/client-credentials, auth/revoker and the ZAP listener', () => {
  const config = base(
    [{ endpoint: '/a', backend: [{ url_pattern: '/a', extra_config: { 'auth/client-credentials': { client_id: 'c', client_secret: 's', token_url: 'auth.test/token', scopes: 'a, b' } } }] }],
    { extra_config: { 'auth/revoker': { N: 100, P: 0.001, hash_name: 'optimal', TTL: 60, port: 0, token_keys: ['jti'] }, 'github.com/hanzoai/gateway/zap-listener': { node_listen: 'nowhere', zap_http_listen: '10.0.0.1:9652' } } },
  );

  it('reports a token_url that is not a URL and ZAP addresses that would not start, at their positions', () => {
    const found = settingsFindings(config);
    expect(found.map((d) => [d.pointer, d.severity])).toEqual([
      ['/extra_config/github.com~1hanzoai~1gateway~1zap-listener/node_listen', 'warning'],
      ['/extra_config/github.com~1hanzoai~1gateway~1zap-listener/zap_http_listen', 'warning'],
      ['/endpoints/0/backend/0/extra_config/auth~1client-credentials/token_url', 'warning'],
    ]);
    expect(at(found[2]!)).toEqual(positionOf(config, 'token_url'));
  });

  it('puts the split scopes, the revoker\'s defaults and the node id on the Plan', () => {
    const plan = planOf(config);
    expect(plan.endpoints[0]!.backends[0]!.settings['auth/client-credentials']).toMatchObject({ scopes: ['a', 'b'], endpointParams: [] });
    expect(plan.service.settings['auth/revoker']).toMatchObject({ n: 100, ttlSeconds: 60, listenIp: '127.0.0.1', tokenKeys: ['jti'] });
    expect(plan.service.settings['zap/listeners']).toEqual({ nodeListen: 'nowhere', nodeId: 'gateway', zapHttpListen: '10.0.0.1:9652' });
    expect(plan.modules).toContain('zap/listeners');
  });
});

describe('module-settings: Lua', () => {
  const config = base([
    {
      endpoint: '/a',
      extra_config: { 'modifier/lua-proxy': { pre: 'print(1)', live: true }, 'modifier/lua-endpoint': { pre: 'print(2)' } },
      backend: [{ url_pattern: '/a', extra_config: { 'modifier/lua-backend': { sources: ['s.lua'], post: 'f()' } } }],
    },
  ]);

  it('puts each block on the Plan under its module, sources to be read by the build', () => {
    expect(settingsFindings(config)).toEqual([]); // live is KrakenD's own fixture's; a bundle ignores it (README)
    const ep = planOf(config).endpoints[0]!;
    expect(ep.settings['modifier/lua']).toEqual({ sources: [], pre: 'print(1)', post: '', allowOpenLibs: false, skipNext: false });
    expect(ep.settings['modifier/lua-router']).toMatchObject({ pre: 'print(2)' });
    expect(ep.backends[0]!.settings['modifier/lua']).toMatchObject({ sources: [{ file: 's.lua', text: '' }], post: 'f()' });
  });
});

describe('module-settings: legacy namespace names', () => {
  it('reports at the key as written, and the Plan holds the settings under the module id', () => {
    const config = base([{ endpoint: '/a', extra_config: { 'github.com/devopsfaith/krakend-ratelimit/juju/router': { client_max_rate: 5, strategy: 'header' } }, backend: [{ url_pattern: '/a' }] }]);
    const found = settingsFindings(config);
    expect(found.map((d) => d.pointer)).toEqual(['/endpoints/0/extra_config/github.com~1devopsfaith~1krakend-ratelimit~1juju~1router/strategy']);
    expect(at(found[0]!)).toEqual(positionOf(config, 'strategy'));
    expect(planOf(config).endpoints[0]!.settings['qos/ratelimit-router']?.client).toMatchObject({ strategy: 'header', key: '' });
  });
});
