import { afterAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runHgwInProcess, FIXTURES } from '../helpers/cli.js';
import { base } from '../helpers/check.js';
import type { Manifest } from '../../cli/bundle/manifest.js';
import { writeAtomically } from '../../cli/bundle/atomic-output.js';
import { PROGRESS_FROM_ENDPOINTS } from '../../cli/commands/build.js';
import type { RunningGateway, StartOptions } from '../../runtime/core/start.js';

const work = mkdtempSync(join(tmpdir(), 'hgw-build-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let n = 0;
function configFile(config: unknown): string {
  const file = join(work, `gateway-${++n}.json`);
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

async function build(config: unknown | string, ...flags: string[]) {
  const file = typeof config === 'string' ? config : configFile(config);
  const out = join(work, `dist-${++n}`);
  const r = await runHgwInProcess(['build', file, '--out', out, ...flags]);
  const manifest = existsSync(join(out, 'manifest.json')) ? (JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest) : undefined;
  return { ...r, out, manifest };
}

const NOOP = base([{ endpoint: '/a', output_encoding: 'no-op', backend: [{ url_pattern: '/a' }] }]);
const JSON_ONLY = base([{ endpoint: '/b', backend: [{ url_pattern: '/b' }] }]);

describe('hgw build', () => {
  it('writes gateway.mjs, its map, entry.ts and a manifest that describes them', async () => {
    const r = await build(NOOP, '--brand', 'acme/edge', '--brand-version', '2.13.8', '--profile', 'krakend');
    expect(r.code).toBe(0);
    expect(r.manifest!.profile).toEqual({ name: 'krakend', source: 'flag' });
    expect(r.stdout).toMatch(/built .*gateway\.mjs: 1 endpoint\(s\)/);
    expect(readdirSync(r.out).sort()).toEqual(expect.arrayContaining(['entry.ts', 'gateway.mjs', 'gateway.mjs.map', 'manifest.json']));
    const m = r.manifest!;
    expect(m.schema).toBe('hgw-manifest/1');
    expect(m.brand).toEqual({ name: 'acme/edge', version: '2.13.8' });
    expect(m.config.sha256).toBe(createHash('sha256').update(readFileSync(join(work, `gateway-${n - 1}.json`))).digest('hex'));
    for (const [name, out] of Object.entries(m.outputs)) {
      const bytes = readFileSync(join(r.out, name));
      expect(out).toEqual({ bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
    }
    expect(m.linked.packages.map((p) => p.name)).toEqual(['undici']);
    const bundle = readFileSync(join(r.out, 'gateway.mjs'), 'utf8');
    expect(bundle).toContain('acme/edge');
    expect(bundle).toMatch(/sourceMappingURL=gateway\.mjs\.map/);
    const entry = readFileSync(join(r.out, 'entry.ts'), 'utf8');
    expect(entry).toMatch(/GET \/a → noopEndpoint \(no-op\)/);
    expect(entry).toContain("import { noopEndpoint } from '@hgw/runtime/core/noop-endpoint.js'");
  });

  it('is deterministic: the same input gives byte-identical output', async () => {
    const file = configFile(JSON.parse(readFileSync(join(FIXTURES, 'real-configs/example-gateway.json'), 'utf8')));
    const a = await build(file);
    const b = await build(file);
    expect(a.code).toBe(0);
    const names = readdirSync(a.out).sort();
    expect(readdirSync(b.out).sort()).toEqual(names);
    for (const name of names) expect(readFileSync(join(b.out, name)).equals(readFileSync(join(a.out, name))), name).toBe(true);
  });

  it('refuses a config with errors: check\'s diagnostics, exit 1, and an existing dist/ left as it was', async () => {
    const good = await build(NOOP);
    const before = readFileSync(join(good.out, 'gateway.mjs'));
    const file = configFile({ version: 3, endpoints: [{ endpoint: 'no-slash', backend: [] }] });
    const r = await runHgwInProcess(['build', file, '--out', good.out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error/);
    expect(r.stderr).toMatch(/nothing was built/);
    expect(readFileSync(join(good.out, 'gateway.mjs')).equals(before)).toBe(true);
  });

  it('refuses a build whose plugins cannot be found, or an endpoint-level modifier with several backends', async () => {
    const r = await build(
      base([{ endpoint: '/m', backend: [{ url_pattern: '/a' }, { url_pattern: '/b' }], extra_config: { 'plugin/req-resp-modifier': { name: ['x'] } } }], { plugin: { folder: './nowhere', pattern: '' } }),
    );
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/plugin\/req-resp-modifier|plugin\.folder/);
  });

  it('lists configured features it does not enforce yet, in the manifest and as warnings', async () => {
    // KrakenD CE namespaces hgw has no runtime for are named, not ignored in silence.
    const r = await build(
      base([{ endpoint: '/a', backend: [{ url_pattern: '/a', extra_config: { 'backend/graphql': { type: 'query', query: '{ a }' } } }] }], {
        extra_config: { 'telemetry/influx': { address: 'http://influx:8086', ttl: '25s', buffer_size: 0 } },
      }),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.manifest!.unimplemented).toEqual(['backend/graphql', 'telemetry/influx']);
    expect(r.stderr).toMatch(/warning: backend\/graphql is configured but not enforced/);
    expect(r.stderr).toMatch(/warning: telemetry\/influx is configured but not enforced/);
    // A no-op endpoint runs CEL's request checks too.
    const noop = await build(base([{ endpoint: '/n', output_encoding: 'no-op', backend: [{ url_pattern: '/n' }], extra_config: { 'validation/cel': [{ check_expr: "req_method == 'GET'" }] } }]));
    expect(noop.manifest!.unimplemented).toEqual([]);
    expect(readFileSync(join(noop.out, 'entry.ts'), 'utf8')).toContain('wrappers: [celProxy]');
  });

  it('rejects a malformed --host-map as a usage error', async () => {
    const r = await build(NOOP, '--host-map', 'no-equals-sign');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--host-map: host map entry "no-equals-sign" is not from=to/);
  });
});

describe('long builds', () => {
  it(`from ${PROGRESS_FROM_ENDPOINTS} endpoints says each stage on stderr (stdout keeps only the result); -q and small builds say nothing`, async () => {
    const big = base(Array.from({ length: PROGRESS_FROM_ENDPOINTS }, (_, i) => ({ endpoint: `/e${i}`, backend: [{ url_pattern: `/e${i}` }] })));
    const r = await build(big);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`^hgw: generating entry\\.ts for ${PROGRESS_FROM_ENDPOINTS} endpoint\\(s\\)… \\(\\d+ ms\\)\nhgw: bundling \\d+ KB of entry\\.ts with esbuild… \\(\\d+ ms\\)\nhgw: writing .*… \\(\\d+ ms\\)\n$`));
    expect(r.stdout).toMatch(new RegExp(`^built .*: ${PROGRESS_FROM_ENDPOINTS} endpoint\\(s\\)`));
    expect((await build(big, '-q')).stderr).toBe('');
    expect((await build(NOOP)).stderr).toBe('');
  });
});

describe('tree-shaking, proven from the metafile', () => {
  // Each row: a config, runtime files that must be linked, files and packages that must not be.
  const routes = join(work, 'routes.yaml');
  writeFileSync(routes, 'redirects:\n  old.example.com: https://example.com\nroutes:\n  example.com:\n    - prefix: /\n      backend: http://site.internal:80\n');
  // Rows build under the krakend profile (plain KrakenD: nothing linked but what the config names) unless they say hanzo.
  const IAM_FILES = ['runtime/auth/iam/iam-middleware.ts', 'runtime/auth/iam/jwt-verifier.ts', 'runtime/shared/headers/ingress-strip.ts', 'runtime/core/production-headers.ts'];
  const UPSTREAM_FILES = ['runtime/upstream/base-ha/base-ha-upstream.ts', 'runtime/upstream/base-network/base-network-upstream.ts', 'runtime/upstream/zap/zap-upstream.ts', 'runtime/routes/host-routing-middleware.ts'];
  const rows: Array<{ name: string; config: unknown; flags?: string[]; profile?: 'hanzo'; linked: string[]; absent: string[]; absentPackages: string[]; packages?: string[] }> = [
    {
      name: 'krakend profile, no auth keys: no jose and no IAM code',
      config: NOOP,
      linked: ['runtime/core/noop-endpoint.ts'],
      absent: [...IAM_FILES, 'runtime/security/cors/hanzo-cors-middleware.ts', 'runtime/auth/widget-gate/widget-gate-middleware.ts'],
      absentPackages: ['jose'],
    },
    {
      name: 'hanzo profile (the default): production headers, Hanzo CORS, the IAM gate and the widget gate; no upstream it does not use',
      config: NOOP,
      profile: 'hanzo',
      linked: [...IAM_FILES, 'runtime/security/cors/hanzo-cors-middleware.ts', 'runtime/auth/widget-gate/widget-gate-middleware.ts', 'runtime/core/brand-for-host.ts'],
      absent: [...UPSTREAM_FILES, 'runtime/auth/iam/require-identity.ts', 'runtime/security/cors/cors-middleware.ts', 'runtime/auth/validator/jwt-validator.ts', 'runtime/auth/iam/identity-strip-middleware.ts'],
      absentPackages: ['ioredis', '@zap-proto/zap', 'ajv', '@marcbachmann/cel-js'],
      packages: ['jose'],
    },
    {
      name: 'hanzo profile, credential-policy form: requireIdentity is linked; KrakenD\'s security/cors is not',
      config: base([
        { endpoint: '/open', backend: [{ url_pattern: '/a' }], extra_config: { 'auth/public': true } },
        { endpoint: '/closed', backend: [{ url_pattern: '/a' }], extra_config: { 'auth/public': false } },
      ], { extra_config: { 'security/cors': { allow_origins: ['*'] } } }),
      profile: 'hanzo',
      linked: ['runtime/auth/iam/require-identity.ts', 'runtime/auth/iam/iam-middleware.ts'],
      absent: ['runtime/security/cors/cors-middleware.ts'],
      absentPackages: [],
    },
    {
      name: 'hanzo profile with the IAM gate switched off: identity headers are still stripped, no verifier is linked',
      config: base([{ endpoint: '/a', output_encoding: 'no-op', backend: [{ url_pattern: '/a' }] }], { extra_config: { 'github.com/hanzoai/gateway/edge': { iam: false } } }),
      profile: 'hanzo',
      linked: ['runtime/auth/iam/identity-strip-middleware.ts', 'runtime/shared/headers/ingress-strip.ts', 'runtime/core/production-headers.ts'],
      absent: ['runtime/auth/iam/iam-middleware.ts', 'runtime/auth/iam/jwt-verifier.ts', 'runtime/auth/iam/require-identity.ts'],
      absentPackages: ['jose'],
    },
    {
      name: 'no-op only',
      config: NOOP,
      linked: ['runtime/core/noop-endpoint.ts', 'runtime/upstream/http/http-upstream.ts'],
      absent: ['runtime/core/decoding-endpoint.ts', 'runtime/core/buffered-call.ts', 'runtime/upstream/base-ha/base-ha-upstream.ts', 'runtime/upstream/base-network/base-network-upstream.ts', 'runtime/upstream/zap/zap-upstream.ts', 'runtime/zap/zap-listeners.ts', 'runtime/routes/host-routing-middleware.ts', 'runtime/telemetry/gelf/gelf-sink.ts'],
      absentPackages: ['jose', 'ajv', 'yaml', 'ts-morph', 'commander', '@humanwhocodes/momoa', 'ioredis', '@zap-proto/zap', '@marcbachmann/cel-js', '@opentelemetry/api', '@grpc/grpc-js', 're2js'],
    },
    {
      name: 'validation/cel links the CEL proxy and cel-js, and jose only with auth/validator',
      config: base([{ endpoint: '/c/{id}', backend: [{ url_pattern: '/c', extra_config: { 'validation/cel': [{ check_expr: 'resp_completed' }] } }], extra_config: { 'validation/cel': [{ check_expr: "req_params.Id == '1'" }] } }]),
      linked: ['runtime/validation/cel/cel-proxy.ts', 'runtime/validation/cel/cel-checks.ts'],
      absent: ['runtime/validation/cel/cel-jwt-rejecter.ts'],
      absentPackages: ['jose', 'ajv'],
      packages: ['@marcbachmann/cel-js'],
    },
    {
      name: 'decoding only',
      config: JSON_ONLY,
      linked: ['runtime/core/decoding-endpoint.ts', 'runtime/core/buffered-call.ts'],
      absent: ['runtime/core/noop-endpoint.ts', 'runtime/encoding/decode-xml.ts', 'runtime/encoding/encode-yaml.ts'],
      absentPackages: ['jose', 'ajv', 'yaml'],
    },
    {
      name: 'base_ha links its upstream, and the Redis client only with read_your_writes_store',
      config: base([{ endpoint: '/w', method: 'POST', output_encoding: 'no-op', backend: [{ url_pattern: '/w', extra_config: { 'github.com/hanzoai/gateway/base_ha': { service_dns: 'b.svc', port: 8090 } } }] }]),
      linked: ['runtime/upstream/base-ha/base-ha-upstream.ts', 'runtime/upstream/base-ha/leader-poller.ts'],
      absent: ['runtime/upstream/base-ha/redis-pins.ts'],
      absentPackages: ['ioredis', 'jose'],
    },
    {
      name: 'base_ha with a shared pin store links ioredis',
      config: base([{ endpoint: '/w', method: 'POST', output_encoding: 'no-op', backend: [{ url_pattern: '/w', extra_config: { 'github.com/hanzoai/gateway/base_ha': { service_dns: 'b.svc', port: 8090, read_your_writes_store: 'redis://127.0.0.1:6379/0' } } }] }]),
      linked: ['runtime/upstream/base-ha/redis-pins.ts'],
      absent: [],
      absentPackages: ['jose'],
    },
    {
      name: 'base-network links its upstream and nothing of base_ha',
      config: base([{ endpoint: '/r', output_encoding: 'no-op', backend: [{ url_pattern: '/r', host: ['http://svc-hs:8090'], extra_config: { 'github.com/hanzoai/gateway/base-network': { shard_key_source: 'jwt.sub' } } }] }]),
      linked: ['runtime/upstream/base-network/base-network-upstream.ts', 'runtime/upstream/base-network/crc32c.ts'],
      absent: ['runtime/upstream/base-ha/base-ha-upstream.ts', 'runtime/upstream/base-ha/leader-poller.ts'],
      absentPackages: ['ioredis', 'jose'],
    },
    {
      name: 'auth/validator links jose; the Hanzo edge links the IAM gate and require-identity',
      config: base([{ endpoint: '/a', backend: [{ url_pattern: '/a' }], extra_config: { 'auth/validator': { alg: 'RS256', jwk_url: 'http://127.0.0.1:1/jwks' } } }], {
        extra_config: { 'github.com/hanzoai/gateway/edge': { widget_gate: false } },
      }),
      linked: ['runtime/auth/validator/jwt-validator.ts', 'runtime/auth/iam/iam-middleware.ts', 'runtime/auth/iam/require-identity.ts', 'runtime/security/cors/hanzo-cors-middleware.ts'],
      absent: ['runtime/auth/widget-gate/widget-gate-middleware.ts', 'runtime/security/bot-detector/bot-detector-middleware.ts', 'runtime/auth/signer/jwt-signer.ts'],
      absentPackages: ['ioredis'],
    },
    {
      name: 'a zap backend links the ZAP upstream and @zap-proto/zap; no listener unless the service names one',
      config: base([{ endpoint: '/z', output_encoding: 'no-op', backend: [{ url_pattern: '/z', extra_config: { 'github.com/hanzoai/gateway/zap': { peer_addr: '127.0.0.1:9651', no_discovery: true } } }] }]),
      linked: ['runtime/upstream/zap/zap-upstream.ts', 'runtime/zap/wire/zap-connection.ts'],
      absent: ['runtime/zap/zap-listeners.ts', 'runtime/zap/tls-terminator.ts'],
      absentPackages: ['jose', 'ioredis'],
    },
    {
      name: 'rate limits link the Redis client only with a store',
      config: base([
        { endpoint: '/local', backend: [{ url_pattern: '/a', extra_config: { 'qos/ratelimit/proxy': { max_rate: 5, capacity: 5 } } }], extra_config: { 'qos/ratelimit/router': { max_rate: 10 } } },
      ]),
      linked: ['runtime/qos/ratelimit/router-rate-limit.ts', 'runtime/qos/ratelimit/proxy-rate-limit.ts'],
      absent: ['runtime/qos/ratelimit/redis-bucket-store.ts', 'runtime/qos/ratelimit/redis-rate-limits.ts'],
      absentPackages: ['ioredis'],
    },
    {
      name: 'a rate limit with a store links the Redis bucket store',
      config: base([{ endpoint: '/shared', backend: [{ url_pattern: '/a' }], extra_config: { 'qos/ratelimit/router': { max_rate: 10, store: 'redis://127.0.0.1:6379/0' } } }]),
      linked: ['runtime/qos/ratelimit/redis-bucket-store.ts', 'runtime/qos/ratelimit/redis-rate-limits.ts'],
      absent: [],
      absentPackages: ['jose'],
    },
    {
      name: 'validation/json-schema links ajv (only then) and the schema proxy',
      config: base([{ endpoint: '/j', method: 'POST', backend: [{ url_pattern: '/j' }], extra_config: { 'validation/json-schema': { type: 'object' } } }]),
      linked: ['runtime/validation/json-schema/json-schema-proxy.ts', 'runtime/validation/json-schema/body-schema.ts'],
      absent: ['runtime/validation/cel/cel-proxy.ts'],
      absentPackages: ['jose', '@marcbachmann/cel-js'],
      packages: ['ajv', 'ajv-formats'],
    },
    {
      name: 'config regexes link the RE2 wrapper and re2js (only then)',
      config: base([{ endpoint: '/b', output_encoding: 'no-op', backend: [{ url_pattern: '/b' }] }], { extra_config: { 'security/bot-detector': { patterns: ['(?i)bot'] } } }),
      linked: ['runtime/shared/go/go-regexp.ts', 'runtime/security/bot-detector/bot-detector.ts'],
      absent: [],
      absentPackages: ['ajv', '@marcbachmann/cel-js'],
      packages: ['re2js'],
    },
    {
      name: 'a routes.yaml links host routing, and the YAML parser for GATEWAY_ROUTES_FILE (only then)',
      config: NOOP,
      flags: ['--routes', routes],
      linked: ['runtime/routes/host-routing-middleware.ts', 'runtime/routes/host-table.ts', 'runtime/routes/reverse-proxy.ts', 'runtime/routes/upgrade-tunnel.ts'],
      absent: ['runtime/core/decoding-endpoint.ts'],
      absentPackages: ['jose', 'ioredis'],
      packages: ['yaml'],
    },
    {
      name: 'telemetry/opentelemetry over OTLP only: no Prometheus exporter, scrape listener or process metrics',
      config: base([{ endpoint: '/o', backend: [{ url_pattern: '/o' }] }], { extra_config: { 'telemetry/opentelemetry': { exporters: { otlp: [{ name: 'c', host: 'collector' }] } } } }),
      linked: ['runtime/telemetry/opentelemetry/endpoint-telemetry.ts', 'runtime/telemetry/opentelemetry/otlp-exporters.ts', 'runtime/telemetry/opentelemetry/event-counters.ts'],
      absent: ['runtime/telemetry/opentelemetry/prometheus-exporter.ts', 'runtime/telemetry/opentelemetry/process-metrics.ts', 'runtime/telemetry/opentelemetry/node-runtime-metrics.ts'],
      absentPackages: ['@opentelemetry/exporter-prometheus'],
      packages: ['@opentelemetry/sdk-metrics'],
    },
    {
      name: 'exporters.prometheus links the exporter library and the scrape listener (only then), and no OTLP exporter or gRPC',
      config: base([{ endpoint: '/o', backend: [{ url_pattern: '/o' }] }], { extra_config: { 'telemetry/opentelemetry': { exporters: { prometheus: [{ name: 'p', port: 9090, process_metrics: true }] } } } }),
      linked: ['runtime/telemetry/opentelemetry/prometheus-exporter.ts', 'runtime/telemetry/opentelemetry/process-metrics.ts'],
      absent: ['runtime/telemetry/opentelemetry/otlp-exporters.ts'],
      absentPackages: ['@grpc/grpc-js', '@opentelemetry/exporter-trace-otlp-grpc', '@opentelemetry/exporter-metrics-otlp-http'],
      packages: ['@opentelemetry/exporter-prometheus'],
    },
    {
      name: 'OTLP and Prometheus together link both',
      config: base([{ endpoint: '/o', backend: [{ url_pattern: '/o' }] }], { extra_config: { 'telemetry/opentelemetry': { exporters: { otlp: [{ name: 'c', host: 'collector' }], prometheus: [{ name: 'p' }] } } } }),
      linked: ['runtime/telemetry/opentelemetry/prometheus-exporter.ts', 'runtime/telemetry/opentelemetry/otlp-exporters.ts'],
      absent: [],
      absentPackages: [],
      packages: ['@opentelemetry/exporter-prometheus', '@opentelemetry/exporter-trace-otlp-grpc', '@grpc/grpc-js'],
    },
    {
      name: 'telemetry/gelf with telemetry/logging links the GELF writer and its transports (only with logging, which it writes for)',
      config: base([{ endpoint: '/g', backend: [{ url_pattern: '/g' }] }], { extra_config: { 'telemetry/logging': { level: 'INFO' }, 'telemetry/gelf': { address: 'graylog:12201', enable_tcp: false } } }),
      linked: ['runtime/telemetry/gelf/gelf-sink.ts', 'runtime/telemetry/gelf/gelf-udp.ts', 'runtime/telemetry/gelf/gelf-tcp.ts', 'runtime/telemetry/gelf/gelf-chunks.ts'],
      absent: [],
      absentPackages: ['jose'],
    },
    {
      name: 'telemetry/gelf without telemetry/logging links nothing of it',
      config: base([{ endpoint: '/g', backend: [{ url_pattern: '/g' }] }], { extra_config: { 'telemetry/gelf': { address: 'graylog:12201', enable_tcp: true } } }),
      linked: [],
      absent: ['runtime/telemetry/gelf/gelf-sink.ts', 'runtime/telemetry/gelf/gelf-tcp.ts'],
      absentPackages: [],
    },
    {
      name: 'xml backend and negotiate output link the codecs (and only then)',
      config: base([{ endpoint: '/x', output_encoding: 'negotiate', backend: [{ url_pattern: '/x', encoding: 'xml' }] }]),
      linked: ['runtime/encoding/decode-xml.ts', 'runtime/encoding/encode-xml.ts', 'runtime/encoding/encode-yaml.ts', 'runtime/encoding/negotiate.ts'],
      absent: ['runtime/core/noop-endpoint.ts'],
      absentPackages: ['jose', 'yaml'],
    },
  ];

  for (const row of rows) {
    it(row.name, async () => {
      const r = await build(row.config, ...(row.flags ?? []), '--profile', row.profile ?? 'krakend');
      expect(r.code, r.stderr).toBe(0);
      expect(r.manifest!.unimplemented).toEqual([]);
      const files = r.manifest!.linked.runtime.map((f) => f.file);
      const packages = r.manifest!.linked.packages.map((p) => p.name);
      for (const f of row.linked) expect(files).toContain(f);
      for (const f of row.absent) expect(files).not.toContain(f);
      for (const p of row.absentPackages) expect(packages).not.toContain(p);
      for (const p of row.packages ?? []) expect(packages).toContain(p);
      // Nothing from the CLI side ever reaches a bundle.
      expect(files.filter((f) => f.startsWith('cli/'))).toEqual([]);
    });
  }
});

describe('hgw build with Lua scripts', () => {
  it('puts the Lua VM beside the bundle and the sources in the plan; a missing source is an unreadable input', async () => {
    const src = join(work, 'helpers.lua');
    writeFileSync(src, 'function mark(r) r:headers("X-Lua", "1") end\n');
    const lua = (sources: string[]) =>
      base([{ endpoint: '/l', backend: [{ url_pattern: '/l', extra_config: { 'modifier/lua-backend': { sources, pre: 'mark(request.load())' } } }] }]);
    const ok = await build(lua([src]));
    expect(ok.code, ok.stderr).toBe(0);
    expect(existsSync(join(ok.out, 'lua.wasm'))).toBe(true);
    expect(ok.manifest!.outputs['lua.wasm']).toBeDefined();
    expect(readFileSync(join(ok.out, 'entry.ts'), 'utf8')).toContain('function mark(r)');
    expect(ok.manifest!.unimplemented).toEqual([]);
    const missing = await build(lua([join(work, 'nope.lua')]));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/Lua source ".*nope\.lua" not found/);
    // Configs without Lua get no VM.
    expect(existsSync(join((await build(NOOP)).out, 'lua.wasm'))).toBe(false);
  });
});

describe('hgw build --ingress', () => {
  const ingressFile = (config: unknown) => {
    const file = join(work, `ingress-${++n}.json`);
    writeFileSync(file, JSON.stringify(config, null, 2));
    return file;
  };
  const plain = { routes: [{ host: 'a.example', backends: [{ path: '/', url: 'http://site.internal:80' }] }] };
  const gated = { routes: [{ host: 'goproxy.example', auth: true, backends: [{ path: '/', url: 'http://goproxy.internal:80' }] }] };

  it('builds an ingress bundle that links the ingress, and the IAM gate with jose only when a host asks for it', async () => {
    for (const [config, iam] of [[plain, false], [gated, true]] as const) {
      const out = join(work, `dist-${++n}`);
      const r = await runHgwInProcess(['build', '--ingress', ingressFile(config), '--out', out]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/ingress of 1 host\(s\)/);
      const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
      const files = manifest.linked.runtime.map((f) => f.file);
      const packages = manifest.linked.packages.map((p) => p.name);
      expect(files).toContain('runtime/routes/ingress/ingress-middleware.ts');
      expect(files).not.toContain('runtime/core/noop-endpoint.ts');
      expect(files.includes('runtime/routes/ingress/ingress-iam-gate.ts')).toBe(iam);
      expect(packages.includes('jose')).toBe(iam);
      expect(manifest.unimplemented).toEqual([]);
      // The start-up line counts what an ingress serves: hosts (it has no endpoints).
      const bundle = (await import(pathToFileURL(join(out, 'gateway.mjs')).href)) as { start(o: StartOptions): Promise<RunningGateway> };
      const logs: string[] = [];
      const running = await bundle.start({ port: 0, host: '127.0.0.1', write: (l) => logs.push(l) });
      await running.close();
      expect(logs.join('')).toMatch(/: 1 host\(s\) listening on port \d+/);
      expect(logs.join('')).not.toContain('endpoint(s)');
    }
  });

  it('refuses an ingress given with a gateway config, and an ingress with errors', async () => {
    const both = await runHgwInProcess(['build', configFile(NOOP), '--ingress', ingressFile(plain), '--out', join(work, `dist-${++n}`)]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/an ingress is a process of its own/);
    const bad = await runHgwInProcess(['build', '--ingress', ingressFile({ listen: 'everywhere', routes: [] }), '--out', join(work, `dist-${++n}`)]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/listen address "everywhere" is not \[host\]:port/);
  });
});

describe('atomic output', () => {
  it('keeps the previous build when writing fails, and leaves no temporary folder behind', () => {
    const parent = mkdtempSync(join(work, 'atomic-'));
    const out = join(parent, 'dist');
    writeAtomically(out, new Map([['manifest.json', '{"v":1}'], ['gateway.mjs', 'old']]));
    // A file name that collides with a folder name makes the write fail halfway.
    const broken = new Map<string, string>([['gateway.mjs', 'new'], ['x', 'file'], ['x/y', 'needs x to be a folder']]);
    expect(() => writeAtomically(out, broken)).toThrow(/writing .* failed/);
    expect(readFileSync(join(out, 'gateway.mjs'), 'utf8')).toBe('old');
    expect(readdirSync(parent)).toEqual(['dist']);
  });

  it('never replaces a folder that is not an hgw build', () => {
    const mine = join(work, 'my-project');
    mkdirSync(mine);
    writeFileSync(join(mine, 'precious.txt'), 'keep me');
    expect(() => writeAtomically(mine, new Map([['gateway.mjs', 'x']]))).toThrow(/holds no hgw build/);
    expect(readFileSync(join(mine, 'precious.txt'), 'utf8')).toBe('keep me');
  });
});

describe('generated code', () => {
  it('type-checks against the runtime types (the Plan literals fit EndpointPlan / ServicePlan / RoutesPlan)', async () => {
    const { Project } = await import('ts-morph');
    const r = await build(JSON.parse(readFileSync(join(FIXTURES, 'real-configs/example-gateway.json'), 'utf8')), '--routes', join(FIXTURES, 'real-configs/hanzo-routes.yaml'));
    expect(r.code).toBe(0);
    const root = join(import.meta.dirname, '../..');
    const project = new Project({
      compilerOptions: {
        strict: true,
        noEmit: true,
        module: 99 /* ESNext */,
        moduleResolution: 100 /* Bundler */,
        target: 9 /* ES2022 */,
        types: ['node'],
        typeRoots: [join(root, 'node_modules/@types')],
        paths: { '@hgw/runtime/*': [join(root, 'runtime/*')] },
        skipLibCheck: true,
      },
    });
    const entry = project.addSourceFileAtPath(join(r.out, 'entry.ts'));
    expect(entry.getFullText()).toContain('hostRoutingMiddleware(ROUTES)');
    project.resolveSourceFileDependencies();
    const problems = project.getPreEmitDiagnostics().map((d) => project.formatDiagnosticsWithColorAndContext([d]).slice(0, 400));
    expect(problems).toEqual([]);
  });
});
