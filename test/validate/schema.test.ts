import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readSchema, type SchemaName } from '../../cli/validate/schemas.js';
import { base, checkGateway, ids } from '../helpers/check.js';
import { FIXTURES } from '../helpers/cli.js';

/** Every property of every object schema, with its JSON pointer inside the schema. */
function* properties(node: unknown, at = ''): Generator<[string, Record<string, unknown>]> {
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) yield* properties(node[i], `${at}/${i}`);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const o = node as Record<string, unknown>;
  for (const [k, v] of Object.entries(o)) {
    if ((k === 'properties' || k === 'definitions') && v && typeof v === 'object') {
      for (const [name, sub] of Object.entries(v as Record<string, unknown>)) {
        yield [`${at}/${k}/${name}`, sub as Record<string, unknown>];
        yield* properties(sub, `${at}/${k}/${name}`);
      }
    } else if (k !== 'enum' && k !== 'const' && k !== 'default' && k !== 'examples') {
      yield* properties(v, `${at}/${k}`);
    }
  }
}

describe('schemas/', () => {
  it.each<[SchemaName, string]>([
    ['gateway', 'https://gateway.hanzo.ai/schema/v3.json'],
    ['routes', 'https://gateway.hanzo.ai/schema/routes.json'],
    ['ingress', 'https://gateway.hanzo.ai/schema/ingress.json'],
  ])('%s is draft-07 with $id %s and a description on every property', (name, id) => {
    const s = readSchema(name);
    expect(s.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(s.$id).toBe(id);
    let count = 0;
    for (const [where, prop] of properties(s)) {
      count++;
      const described = typeof prop.description === 'string' && prop.description.length > 10;
      const isRefOnly = typeof prop.$ref === 'string'; // the referenced definition carries it
      expect(described || isRefOnly, `${name}${where} has no description`).toBe(true);
    }
    expect(count).toBeGreaterThan(name === 'gateway' ? 500 : 5);
  });

  it('accepts every real production config without a finding', () => {
    for (const f of ['hanzo-gateway.json', 'example-gateway.json']) {
      expect(checkGateway(JSON.parse(readFileSync(`${FIXTURES}real-configs/${f}`, 'utf8'))), f).toEqual([]);
    }
  });

  it('reports exactly the backend timeout keys in the KrakenD CE fixture, as warnings, and its input_headers ["*"] as forgeable identity under krakend', () => {
    const fixture = JSON.parse(readFileSync(`${FIXTURES}krakend-ce/krakend.json`, 'utf8')) as { endpoints: Array<{ input_headers?: string[] }> };
    const ds = checkGateway(fixture, 'krakend');
    const wildcard = fixture.endpoints.flatMap((ep, i) => (ep.input_headers?.[0] === '*' ? [['identity-header-forgeable', 'warning', `/endpoints/${i}/input_headers/0`]] : []));
    expect(wildcard.length).toBeGreaterThan(0);
    expect(ds.map((d) => [d.ruleId, d.severity, d.pointer])).toEqual([
      ['backend-timeout-ignored', 'warning', '/endpoints/2/backend/0/timeout'],
      ['backend-timeout-ignored', 'warning', '/endpoints/2/backend/1/timeout'],
      ...wildcard,
    ]);
  });

  it('treats keys starting with @ $ _ # as comments at every level', () => {
    const cfg = base(
      [{ endpoint: '/a', '@doc': 'x', backend: [{ url_pattern: '/a', '#note': 1, extra_config: { _x: 1, proxy: { $c: 1 } } }], extra_config: { '@c': 1 } }],
      { $schema: 'https://gateway.hanzo.ai/schema/v3.json', '@comment': 'hi', extra_config: { '#c': true } },
    );
    expect(checkGateway(cfg)).toEqual([]);
  });

  it('accepts Go durations that KrakenD\'s own schema pattern rejects', () => {
    expect(checkGateway(base([{ endpoint: '/a', timeout: '1m30s', backend: [{ url_pattern: '/a' }] }], { timeout: '1.5s' }))).toEqual([]);
  });

  it.each([
    [{ port: '8080' }, 'schema-type', '/port'],
    [{ timeout: 3 }, 'schema-type', '/timeout'],
    [{ output_encoding: 'jsn' }, 'schema-enum', '/output_encoding'],
    [{ cache_ttl: '3' }, 'invalid-duration', '/cache_ttl'],
    [{ extra_config: { router: { return_error_msg: 'yes' } } }, 'schema-type', '/extra_config/router/return_error_msg'],
    [{ extra_config: { 'qos/ratelimit/router': { max_rate: -1 } } }, 'schema-range', '/extra_config/qos~1ratelimit~1router/max_rate'],
    [{ extra_config: { 'security/corz': {} } }, 'unknown-namespace', '/extra_config/security~1corz'],
  ])('maps %j to %s at %s', (service, rule, pointer) => {
    const ds = checkGateway(base([{ endpoint: '/a', backend: [{ url_pattern: '/a' }] }], service));
    expect(ds.map((d) => [d.ruleId, d.pointer])).toContainEqual([rule, pointer]);
  });

  it('gives a did-you-mean for unknown keys and namespaces', () => {
    const ds = checkGateway(base([{ endpoint: '/a', input_header: ['X'], backend: [{ url_pattern: '/a', extra_config: { 'qos/circuit-breakr': {} } }] }]));
    expect(ds.map((d) => [d.ruleId, d.suggestions?.[0]])).toEqual([
      ['unknown-key', 'input_headers'],
      ['unknown-namespace', 'qos/circuit-breaker'],
    ]);
  });

  it('hints at the unit when a duration is written as a number', () => {
    const ds = checkGateway(base([{ endpoint: '/a', timeout: 300, backend: [{ url_pattern: '/a' }] }]));
    expect(ids(ds)).toEqual(['schema-type']);
    expect(ds[0]!.hint).toContain('"300ms"');
  });
});

describe('precompiled validators', () => {
  it('match a fresh compile of the same schema', async () => {
    const { newAjv } = await import('../../cli/validate/ajv-setup.js');
    const { validatorFor } = await import('../../cli/validate/schemas.js');
    const bad = { version: 3, port: 'x', timeout: '3', endpoints: [{ endpoint: '/a', method: 'GTE', backend: [{ url_pattern: 1, bogus: true }] }] };
    const fresh = newAjv().compile(readSchema('gateway'));
    fresh(bad);
    const pre = validatorFor('gateway');
    pre(bad);
    const shape = (es: typeof fresh.errors) => (es ?? []).map((e) => `${e.instancePath} ${e.keyword}`).sort();
    expect(shape(pre.errors)).toEqual(shape(fresh.errors));
    expect(shape(pre.errors).length).toBeGreaterThan(3);
  });
});
