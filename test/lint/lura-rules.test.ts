import { describe, expect, it } from 'vitest';
import { base, checkGateway, ids } from '../helpers/check.js';

const ep = (endpoint: string, backend: unknown[] = [{ url_pattern: '/x' }], more: Record<string, unknown> = {}) => ({ endpoint, backend, ...more });

describe("Lura's Init rules", () => {
  it('accepts a clean config', () => {
    expect(checkGateway(base([ep('/users/{id}', [{ url_pattern: '/u/{id}' }])]))).toEqual([]);
  });

  it('wants version 3', () => {
    const ds = checkGateway({ version: 2, endpoints: [] });
    expect(ids(ds)).toEqual(['version-unsupported']);
    expect(ds[0]!.message).toBe('unsupported version: 2 (want: 3)');
  });

  it.each([
    ['users', 'endpoint-path-invalid'],
    ['/a?b', 'endpoint-path-invalid'],
    ['/a/*/b', 'endpoint-path-invalid'],
    ['/files/*', 'endpoint-wildcard'],
    ['/__health', 'endpoint-path-reserved'],
    ['/__debug/x', 'endpoint-path-reserved'],
    ['/__echo', 'endpoint-path-reserved'],
    ['/v1/__debug', 'endpoint-path-reserved'],
  ])('flags endpoint %j as %s', (path, rule) => {
    expect(ids(checkGateway(base([ep(path)])))).toContain(rule);
  });

  it('does not reserve paths that only start like a built-in one', () => {
    expect(checkGateway(base([ep('/__debugger'), ep('/__healthz')]))).toEqual([]);
  });

  it('needs at least one backend', () => {
    expect(ids(checkGateway(base([ep('/a', [])])))).toEqual(['endpoint-no-backends']);
  });

  it('checks every url_pattern param against the endpoint, exempting JWT and sequential forms', () => {
    const ds = checkGateway(base([ep('/a/{id}', [{ url_pattern: '/b/{Id}/{JWT.sub}' }])]));
    expect(ids(ds)).toEqual(['url-param-undefined']);
    expect(ds[0]!.message).toBe("undefined output param 'Id'! endpoint: GET /a/{id}, backend: 0. input: [id], output: [Id]");
    expect(ds[0]!.suggestions).toEqual(['id']);
    const seq = base([ep('/s/{p}', [{ url_pattern: '/one/{p}' }, { url_pattern: '/two/{resp0_foo}' }], { extra_config: { proxy: { sequential: true } } })]);
    expect(checkGateway(seq)).toEqual([]);
  });

  it('reports the count mismatch the way Lura does: only from two extra params on', () => {
    const ds = checkGateway(base([ep('/u/{id}', [{ url_pattern: '/u/{id}/{a}/{b}' }])]));
    expect(ids(ds)).toEqual(['url-params-mismatch']);
    expect(ds[0]!.message).toBe('input and output params do not match. endpoint: GET /u/{id}, backend: 0. input: [id], output: [id a b]');
    expect(ids(checkGateway(base([ep('/u/{id}', [{ url_pattern: '/u/{id}/{a}' }])])))).toEqual(['url-param-undefined']);
  });

  it('only lets sequential params refer to earlier backends of a sequential endpoint', () => {
    expect(ids(checkGateway(base([ep('/s', [{ url_pattern: '/a' }, { url_pattern: '/b/{resp0_x}' }])])))).toEqual(['sequential-param-order']);
    const seq = { extra_config: { proxy: { sequential: true } } };
    expect(ids(checkGateway(base([ep('/s', [{ url_pattern: '/a/{resp1_x}' }, { url_pattern: '/b' }], seq)])))).toEqual(['sequential-param-order']);
  });

  it('treats only whole segments as params in strict REST mode', () => {
    expect(ids(checkGateway(base([ep('/file.{ext}', [{ url_pattern: '/f/{ext}' }])])))).toEqual(['url-param-undefined']);
    expect(checkGateway(base([ep('/file.{ext}', [{ url_pattern: '/f/{ext}' }])], { disable_rest: true }))).toEqual([]);
  });

  it('allows no-op with exactly one backend, including the service-level default', () => {
    expect(ids(checkGateway(base([ep('/a', [{ url_pattern: '/x' }, { url_pattern: '/y' }], { output_encoding: 'no-op' })])))).toEqual(['noop-multiple-backends']);
    expect(ids(checkGateway(base([ep('/a', [{ url_pattern: '/x' }, { url_pattern: '/y' }])], { output_encoding: 'no-op' })))).toEqual(['noop-multiple-backends']);
    expect(checkGateway(base([ep('/a', [{ url_pattern: '/x' }, { url_pattern: '/y' }], { output_encoding: 'json' })], { output_encoding: 'no-op' }))).toEqual([]);
  });

  it.each([
    ['http://a.b:8080', true],
    ['a.b', true],
    ['https://a.b/', true],
    ['http://a.b/path', false],
    ['ftp://a.b', false],
    ['http://[::1]:80', false],
    ['http://a b', false],
  ])('host %j valid: %s', (host, ok) => {
    const ds = checkGateway(base([ep('/a', [{ url_pattern: '/x', host: [host] }])]));
    expect(ids(ds).includes('host-invalid')).toBe(!ok);
  });

  it('says when a host has no scheme (info), and warns when that puts plain http:// on port 443', () => {
    const found = (host: string) => checkGateway(base([ep('/a', [{ url_pattern: '/x', host: [host] }])])).map((d) => [d.ruleId, d.severity, d.message]);
    expect(found('users-svc:8080')).toEqual([['host-scheme-missing', 'info', 'host "users-svc:8080" has no scheme: it is called as http://users-svc:8080']]);
    expect(found('api.x.com:443')).toEqual([['host-scheme-missing-443', 'warning', 'host "api.x.com:443" has no scheme and port 443: it is called over plain http://']]);
    expect(found('http://api.x.com:443')).toEqual([]);
    expect(found('https://api.x.com')).toEqual([]);
    expect(ids(checkGateway({ version: 3, host: ['svc:80'], endpoints: [ep('/a')] }))).toEqual(['host-scheme-missing']);
    expect(checkGateway(base([ep('/a', [{ url_pattern: '/x', host: ['svc:80'], disable_host_sanitize: true }])]))).toEqual([]);
  });

  it('skips host sanitisation when disabled, and flags backends with no host at all', () => {
    expect(checkGateway(base([ep('/a', [{ url_pattern: '/x', host: ['_svc._tcp.x'], disable_host_sanitize: true, sd: 'dns' }])]))).toEqual([]);
    expect(ids(checkGateway({ version: 3, endpoints: [ep('/a')] }))).toEqual(['host-missing']);
  });

  it('reports the backend timeout KrakenD ignores as a warning, not an unknown key', () => {
    const ds = checkGateway(base([ep('/a', [{ url_pattern: '/x', timeout: '1s' }])]));
    expect(ds.map((d) => [d.ruleId, d.severity])).toEqual([['backend-timeout-ignored', 'warning']]);
  });

  it('names the v3 key for config-v2 keys', () => {
    const ds = checkGateway(base([ep('/a', [{ url_pattern: '/x' }], { headers_to_pass: ['X'], querystring_params: ['a'] })]));
    expect(ids(ds)).toEqual(['v2-key', 'v2-key']);
    expect(ds.map((d) => d.suggestions?.[0])).toEqual(['input_headers', 'input_query_strings']);
  });

  it('warns on legacy long namespaces instead of calling them unknown', () => {
    const ds = checkGateway(base([ep('/a')], { extra_config: { 'github_com/luraproject/lura/router/gin': { return_error_msg: true } } }));
    expect(ids(ds)).toEqual(['legacy-namespace']);
  });

  it('warns on non-positive timeouts', () => {
    expect(ids(checkGateway(base([ep('/a', undefined, { timeout: '0s' })])))).toEqual(['duration-non-positive']);
  });
});

describe('route table (gin)', () => {
  it('reports a duplicate method+path at the second endpoint, pointing at the first', () => {
    const ds = checkGateway(base([ep('/a/{id}'), ep('/a/{id}')]));
    expect(ids(ds)).toEqual(['route-duplicate']);
    expect(ds[0]!.pointer).toBe('/endpoints/1/endpoint');
    expect(ds[0]!.related?.[0]?.pointer).toBe('/endpoints/0/endpoint');
  });

  it('reports differently named params at one position of one method', () => {
    const ds = checkGateway(base([ep('/a/{id}/x'), ep('/a/{name}/y')]));
    expect(ids(ds)).toEqual(['route-conflict']);
    expect(ds[0]!.related?.[0]?.pointer).toBe('/endpoints/0/endpoint');
  });

  it('lets static and param segments share a position, and methods have their own trees', () => {
    expect(checkGateway(base([ep('/a/{id}'), ep('/a/new'), ep('/a/{name}', undefined, { method: 'POST' })]))).toEqual([]);
  });

  it('treats the same route with another param name as a duplicate of the same shape', () => {
    expect(ids(checkGateway(base([ep('/a/{id}'), ep('/a/{name}')])))).toEqual(['route-conflict']);
  });

  it('keeps the 193-endpoint production config free of conflicts', async () => {
    const { readFileSync } = await import('node:fs');
    const { FIXTURES } = await import('../helpers/cli.js');
    const config = JSON.parse(readFileSync(`${FIXTURES}real-configs/hanzo-gateway.json`, 'utf8'));
    expect(checkGateway(config)).toEqual([]);
  });
});

describe('validation/cel expressions', () => {
  const cel = (...exprs: string[]) => ({ 'validation/cel': exprs.map((check_expr) => ({ check_expr })) });
  it('accepts expressions krakend-cel would compile, at endpoints and backends', () => {
    const config = base([ep('/c/{id}', [{ url_pattern: '/c', extra_config: cel('resp_metadata_status == 200') }], { extra_config: cel("int(req_params.Id) % 2 == 0 && 'x' in req_headers['X-H']", 'size(JWT.roles) > 1') })]);
    expect(ids(checkGateway(config))).toEqual([]);
  });

  it('reports a syntax error (every check off), a type error (left out) and an expression never evaluated, each at its expression', () => {
    const ds = checkGateway(base([ep('/c', [{ url_pattern: '/c', extra_config: cel('req_method ==') }], { extra_config: cel("int(req_path) + 'x' == 1", 'true') })]));
    expect(ds.map((d) => [d.ruleId, d.severity, d.pointer])).toEqual(
      expect.arrayContaining([
        ['cel-syntax', 'error', '/endpoints/0/backend/0/extra_config/validation~1cel/0/check_expr'],
        ['cel-type', 'warning', '/endpoints/0/extra_config/validation~1cel/0/check_expr'],
        ['cel-never-evaluated', 'warning', '/endpoints/0/extra_config/validation~1cel/1/check_expr'],
      ]),
    );
    expect(ds).toHaveLength(3);
  });
});

describe('validation/json-schema', () => {
  it('accepts a schema that compiles and reports one that does not, at the schema', () => {
    expect(ids(checkGateway(base([ep('/j', undefined, { method: 'POST', extra_config: { 'validation/json-schema': { type: 'object', required: ['a'] } } })])))).toEqual([]);
    const ds = checkGateway(base([ep('/j', undefined, { method: 'POST', extra_config: { 'validation/json-schema': { type: 'objekt' } } })]));
    expect(ds.map((d) => [d.ruleId, d.pointer])).toEqual([['json-schema-invalid', '/endpoints/0/extra_config/validation~1json-schema']]);
  });
});
