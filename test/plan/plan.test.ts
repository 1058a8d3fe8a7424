import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { base, planOf } from '../helpers/check.js';
import { FIXTURES } from '../helpers/cli.js';

describe('Plan', () => {
  it("applies Lura's defaults", () => {
    const plan = planOf({ version: 3, host: ['svc:8080/'], endpoints: [{ endpoint: '/u/{id}', backend: [{ url_pattern: '/u/{id}' }] }] });
    expect(plan.schema).toBe('hgw-plan/1');
    expect(plan.service).toMatchObject({ port: 8080, timeoutMs: 2000, cacheTtlMs: 0, outputEncoding: 'json', host: ['http://svc:8080'] });
    expect(plan.service.router).toMatchObject({ healthPath: '/__health', returnErrorMsg: false, forwardedByClientIp: true, remoteIpHeaders: ['X-Forwarded-For', 'X-Real-IP'] });
    const ep = plan.endpoints[0]!;
    expect(ep).toMatchObject({ method: 'GET', route: '/u/:id', params: ['id'], timeoutMs: 2000, concurrentCalls: 1, outputEncoding: 'json', inputHeaders: ['Content-Type'], inputQueryStrings: [], public: false });
    expect(ep.backends[0]).toMatchObject({ method: 'GET', hosts: ['http://svc:8080'], encoding: 'json', sd: 'static', sdScheme: 'http', upstream: { kind: 'http' }, returnErrorCode: false, shadow: false });
    expect(ep.source).toEqual({ line: 7, column: 5 });
  });

  it('converts durations to milliseconds and inherits service values', () => {
    const plan = planOf(base([
      { endpoint: '/a', backend: [{ url_pattern: '/a' }] },
      { endpoint: '/b', timeout: '1m30s', cache_ttl: '1.5s', backend: [{ url_pattern: '/b' }] },
      { endpoint: '/c', timeout: '0s', backend: [{ url_pattern: '/c' }] },
    ], { timeout: '3s', cache_ttl: '1h' }));
    expect(plan.endpoints.map((e) => [e.timeoutMs, e.cacheTtlMs])).toEqual([[3000, 3_600_000], [90_000, 1500], [3000, 3_600_000]]);
  });

  it('canonicalises input headers, upper-cases methods and forces no-op backends', () => {
    const plan = planOf(base([{ endpoint: '/a', method: 'post', input_headers: ['x-user-id', '*'], output_encoding: 'no-op', backend: [{ url_pattern: '/a', encoding: 'json', method: 'put' }] }]));
    const ep = plan.endpoints[0]!;
    expect(ep.method).toBe('POST');
    expect(ep.inputHeaders).toEqual(['X-User-Id', '*']);
    expect(ep.backends[0]).toMatchObject({ method: 'PUT', encoding: 'no-op' });
  });

  it('normalises the Hanzo upstreams with their defaults', () => {
    const plan = planOf(base([{ endpoint: '/a', backend: [
      { url_pattern: '/a', extra_config: { 'github.com/hanzoai/gateway/base_ha': { service_dns: 'x', port: 8090, write_methods: [' post ', 'put'] } } },
      { url_pattern: '/b', extra_config: { 'github.com/hanzoai/gateway/base-network': { shard_key_source: 'jwt.sub' } } },
      { url_pattern: '/c', extra_config: { 'github.com/hanzoai/gateway/zap': { peer_addr: 'a:1', no_discovery: true } } },
    ] }]));
    expect(plan.endpoints[0]!.backends.map((b) => b.upstream)).toEqual([
      { kind: 'base_ha', serviceDns: 'x', port: 8090, leaderPollIntervalMs: 1000, writeMethods: ['POST', 'PUT'], readYourWritesTtlMs: 5000 },
      { kind: 'base-network', shardKey: '', shardKeySource: 'jwt.sub', memberPollIntervalMs: 5000, memberUrlTemplate: 'http://{id}.{service}:{port}' },
      { kind: 'zap', nodeId: 'gateway', peerId: '', peerAddr: 'a:1', serviceType: '_hanzo._tcp', port: 9999, timeoutMs: 5000, noDiscovery: true, envelope: 'forward' },
    ]);
    expect(plan.modules).toEqual(expect.arrayContaining(['upstream/base-ha', 'upstream/base-network', 'upstream/zap', 'upstream/http', 'core/merge']));
  });

  it('links only the modules a config uses', () => {
    const plain = planOf(base([{ endpoint: '/a', backend: [{ url_pattern: '/a' }] }]));
    expect(plain.modules).toEqual(['core/endpoint', 'core/router', 'core/server', 'upstream/http']);
    const krakend = planOf(JSON.parse(readFileSync(`${FIXTURES}krakend-ce/krakend.json`, 'utf8')));
    expect(krakend.modules).toEqual(expect.arrayContaining(['auth/validator', 'auth/signer', 'security/cors', 'security/bot-detector', 'encoding/xml', 'core/sequential', 'core/static', 'qos/circuit-breaker']));
  });

  it('rewrites legacy namespaces and drops comment keys', () => {
    const plan = planOf(base([{ endpoint: '/a', backend: [{ url_pattern: '/a' }] }], { extra_config: { '@c': 1, 'github_com/luraproject/lura/router/gin': { return_error_msg: true } } }));
    expect(plan.service.extraConfig).toEqual({ router: { return_error_msg: true } });
    expect(plan.service.router.returnErrorMsg).toBe(true);
  });

  it('orders routes.yaml prefixes longest first, keeping file order on ties', () => {
    const plan = planOf(base([{ endpoint: '/a', backend: [{ url_pattern: '/a' }] }]),
      'routes:\n  h.com:\n    - {prefix: /, backend: "http://a"}\n    - {prefix: /api/, backend: "http://b"}\n    - {prefix: /ws/, backend: "http://c"}\nsubdomains:\n  x: "http://x"\n  .y.com: "http://y"\n');
    expect(plan.routes!.hosts[0]!.entries.map((e) => e.prefix)).toEqual(['/api/', '/ws/', '/']);
    expect(plan.routes!.subdomains.map((s) => s.pattern)).toEqual(['.y.com', 'x']);
    expect(plan.modules).toContain('routes/host-routing');
  });

  it('is plain JSON and deterministic for the production config', () => {
    const config = JSON.parse(readFileSync(`${FIXTURES}real-configs/hanzo-gateway.json`, 'utf8'));
    const a = JSON.stringify(planOf(config));
    expect(JSON.stringify(JSON.parse(a))).toBe(a);
    expect(JSON.stringify(planOf(config))).toBe(a);
    expect(JSON.parse(a).endpoints).toHaveLength(193);
  });
});
