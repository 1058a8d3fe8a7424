import { describe, expect, it } from 'vitest';
import { base, checkGateway, ids } from '../helpers/check.js';

const HA = 'github.com/hanzoai/gateway/base_ha';
const NET = 'github.com/hanzoai/gateway/base-network';
const ZAP = 'github.com/hanzoai/gateway/zap';

const withBackend = (extra: Record<string, unknown>, more: Record<string, unknown> = {}) =>
  base([{ endpoint: '/r', backend: [{ url_pattern: '/r', host: ['http://svc:8090'], extra_config: extra, ...more }] }]);

describe('base_ha', () => {
  const ok = { service_dns: 'foo-hs.hanzo.svc.cluster.local', port: 8090 };
  it('accepts the documented block with defaults omitted or given', () => {
    expect(checkGateway(withBackend({ [HA]: ok }))).toEqual([]);
    expect(checkGateway(withBackend({ [HA]: { ...ok, leader_poll_interval: '1s', write_methods: ['POST'], read_your_writes_ttl: '0s', read_your_writes_store: 'redis://127.0.0.1:6379/0' } }))).toEqual([]);
  });
  it.each([
    [{ port: 8090 }, 'schema-required'],
    [{ service_dns: 'x' }, 'schema-required'],
    [{ ...ok, port: 0 }, 'schema-range'],
    [{ ...ok, port: 70000 }, 'schema-range'],
    [{ ...ok, port: '8090' }, 'schema-type'],
    [{ ...ok, leader_poll_interval: '50ms' }, 'base-ha-poll-interval'],
    [{ ...ok, leader_poll_interval: '1 second' }, 'invalid-duration'],
    [{ ...ok, read_your_writes_ttl: '-1s' }, 'base-ha-ttl-negative'],
    [{ ...ok, write_methods: ['POST', 'SEND IT'] }, 'base-ha-write-methods'],
    [{ ...ok, read_your_writes_store: 'http://redis:6379' }, 'base-ha-store'],
    [{ ...ok, leader_pol_interval: '1s' }, 'unknown-key'],
  ])('flags %j as %s', (block, rule) => {
    expect(ids(checkGateway(withBackend({ [HA]: block })))).toContain(rule);
  });
  it('needs a host, and warns that further hosts are ignored', () => {
    const noHost = { version: 3, endpoints: [{ endpoint: '/r', backend: [{ url_pattern: '/r', extra_config: { [HA]: ok } }] }] };
    expect(ids(checkGateway(noHost))).toContain('base-ha-host');
    // An empty list falls back to the service host, as in Lura.
    expect(checkGateway(withBackend({ [HA]: ok }, { host: [] }))).toEqual([]);
    const two = withBackend({ [HA]: ok }, { host: ['http://a:80', 'http://b:80'] });
    expect(checkGateway(two).map((d) => [d.ruleId, d.severity])).toEqual([['base-ha-host', 'warning']]);
  });
  it('warns when another upstream namespace shares the backend', () => {
    const ds = checkGateway(withBackend({ [HA]: ok, [ZAP]: { peer_addr: 'a:1', no_discovery: true } }));
    expect(ids(ds)).toEqual(['upstream-exclusive']);
    expect(ds[0]!.pointer).toBe(`/endpoints/0/backend/0/extra_config/${ZAP.replace(/\//g, '~1')}`);
  });
});

describe('base-network', () => {
  it.each(['jwt.sub', 'jwt.owner', 'cookie:sid'])('accepts shard_key_source %s', (source) => {
    expect(checkGateway(withBackend({ [NET]: { shard_key: 'user_id', shard_key_source: source } }))).toEqual([]);
  });
  it('warns that a header source is client-controlled', () => {
    expect(checkGateway(withBackend({ [NET]: { shard_key_source: 'header:X-Shard' } })).map((d) => [d.ruleId, d.severity])).toEqual([['base-network-header-source', 'warning']]);
  });
  it.each(['jwt.email', 'header:', 'Header:X', 'cookie:a b', 'user'])('rejects shard_key_source %j', (source) => {
    expect(ids(checkGateway(withBackend({ [NET]: { shard_key_source: source } })))).toContain('base-network-shard-source');
  });
  it('requires shard_key_source and a host with scheme', () => {
    expect(ids(checkGateway(withBackend({ [NET]: { shard_key: 'x' } })))).toContain('schema-required');
    expect(ids(checkGateway(withBackend({ [NET]: { shard_key_source: 'jwt.sub' } }, { host: ['svc-hs:8090'] })))).toContain('base-network-host');
  });
  it('checks member_url_template: an http(s) URL with {id}', () => {
    expect(ids(checkGateway(withBackend({ [NET]: { shard_key_source: 'jwt.sub', member_url_template: 'http://{id}.{service}:{port}' } })))).toEqual([]);
    expect(ids(checkGateway(withBackend({ [NET]: { shard_key_source: 'jwt.sub', member_url_template: 'http://pods:{port}' } })))).toEqual(['base-network-member-template']);
    expect(ids(checkGateway(withBackend({ [NET]: { shard_key_source: 'jwt.sub', member_url_template: '{id}:8090' } })))).toEqual(['base-network-member-template']);
  });
});

describe('zap', () => {
  it('accepts the production block', () => {
    expect(checkGateway(withBackend({ [ZAP]: { node_id: 'gateway', peer_addr: 'cloud-api.hanzo.svc.cluster.local:9651', no_discovery: true, timeout_ms: 120000 } }))).toEqual([]);
  });
  it('knows both envelopes', () => {
    for (const envelope of ['forward', 'http']) expect(checkGateway(withBackend({ [ZAP]: { peer_addr: 'a:1', no_discovery: true, envelope } }))).toEqual([]);
  });
  it.each([
    [{ peer_addr: 'http://a:1' }, 'zap-peer-addr'],
    [{ peer_addr: 'a:99999' }, 'zap-peer-addr'],
    [{ no_discovery: true }, 'zap-no-peer'],
    [{ timeout_ms: '5s' }, 'schema-type'],
    [{ timeout_ms: 0 }, 'schema-range'],
    [{ peer_addr: 'a:1', envelope: 'grpc' }, 'schema-enum'],
  ])('flags %j as %s', (block, rule) => {
    expect(ids(checkGateway(withBackend({ [ZAP]: block })))).toContain(rule);
  });
});

describe('auth/public', () => {
  it('is a boolean endpoint namespace', () => {
    const cfg = (v: unknown) => base([{ endpoint: '/p', backend: [{ url_pattern: '/p' }], extra_config: { 'auth/public': v } }]);
    expect(checkGateway(cfg(true))).toEqual([]);
    expect(ids(checkGateway(cfg('yes')))).toEqual(['schema-type']);
  });
});
