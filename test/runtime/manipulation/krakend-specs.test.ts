/**
 * KrakenD CE's collection.json and flatmap_1.json, computed from the fixture
 * config's backend definitions and the mock backend's bodies, written with the
 * Go-compatible encoder and compared with the specs' bodies byte for byte.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../../helpers/cli.js';
import { compileBackendManipulation, type ManipulationConfig } from '../../../runtime/core/manipulation/backend-manipulation.js';
import { encodeJson } from '../../../runtime/shared/json/encode-json.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../../../runtime/shared/json/json-number.js';
import { parseJson } from '../../../runtime/shared/json/parse-json.js';
import type { FlatmapOp } from '../../../runtime/plan/plan.js';

const CE = join(FIXTURES, 'krakend-ce');

interface RawBackend {
  url_pattern: string;
  is_collection?: boolean;
  target?: string;
  allow?: string[];
  deny?: string[];
  mapping?: Record<string, string>;
  group?: string;
  extra_config?: { proxy?: { flatmap_filter?: FlatmapOp[] } };
}

function fixtureBackends(endpoint: string): RawBackend[] {
  const config = JSON.parse(readFileSync(join(CE, 'krakend.json'), 'utf8')) as { endpoints: Array<{ endpoint: string; backend: RawBackend[] }> };
  const found = config.endpoints.find((e) => e.endpoint === endpoint);
  if (!found) throw new Error(`fixture has no endpoint ${endpoint}`);
  return found.backend;
}

function specBody(name: string): string {
  const spec = JSON.parse(readFileSync(join(CE, 'specs', name), 'utf8')) as { out: { body: string } };
  return spec.out.body;
}

function manipulationOf(b: RawBackend): ManipulationConfig {
  const config: ManipulationConfig = {};
  if (b.target) config.target = b.target;
  if (b.allow) config.allow = b.allow;
  if (b.deny) config.deny = b.deny;
  if (b.mapping) config.mapping = b.mapping;
  if (b.group) config.group = b.group;
  const ops = b.extra_config?.proxy?.flatmap_filter;
  if (ops) config.flatmapFilter = ops;
  return config;
}

/** The mock backend (§1.4): `/collection/` lists ten objects, `/param_forwarding/` echoes the request. */
function mockBody(path: string): string {
  if (path.startsWith('/collection/')) {
    return JSON.stringify(Array.from({ length: 10 }, (_, i) => ({ i, path }))) + '\n';
  }
  if (path.startsWith('/param_forwarding/')) {
    const headers = { 'Accept-Encoding': ['gzip'], 'User-Agent': ['KrakenD Version 2.13.8'], 'X-Forwarded-Host': ['localhost:8080'] };
    return JSON.stringify({ foo: 42, headers, path, query: {} }) + '\n';
  }
  throw new Error(`mock has no route for ${path}`);
}

/** Decoding as Lura's json / json-collection decoders do, then the per-backend manipulation. */
function backendData(b: RawBackend, id: string): JsonObject {
  const decoded: JsonValue = parseJson(mockBody(b.url_pattern.replace('{id}', id)));
  const data = b.is_collection ? { collection: decoded } : decoded;
  if (!isJsonObject(data)) throw new Error('expected an object');
  return compileBackendManipulation(manipulationOf(b))(data);
}

/** Parallel merge: top-level keys over the accumulator. */
function merged(endpoint: string, id: string): JsonObject {
  return Object.assign({}, ...fixtureBackends(endpoint).map((b) => backendData(b, id))) as JsonObject;
}

describe('KrakenD CE specs reproduced from the fixture config', () => {
  it('collection.json: is_collection + mapping collection→posts, merged with allow ["foo"]', () => {
    expect(encodeJson(merged('/combination/{id}', '2'))).toBe(specBody('collection.json'));
  });

  it('flatmap_1.json: backend flatmap over a collection', () => {
    expect(encodeJson(merged('/flatmap/{id}', '2'))).toBe(specBody('flatmap_1.json'));
  });

  it('gives the same bodies on a second request (no state kept between requests)', () => {
    merged('/flatmap/{id}', '2');
    expect(encodeJson(merged('/flatmap/{id}', '2'))).toBe(specBody('flatmap_1.json'));
  });
});
