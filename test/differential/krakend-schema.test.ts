import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkGateway } from '../helpers/check.js';
import { ROOT, FIXTURES } from '../helpers/cli.js';

/**
 * Differential test: on KrakenD CE namespaces, hgw's verdict (accept / reject
 * each namespace block) must equal that of KrakenD's own v2.13 schema, except
 * for the deliberate differences listed (and documented in the README).
 */
const KRAKEND_SCHEMA = `${FIXTURES}krakend-schema/krakend.json`;
const DEFS = 'https://www.krakend.io/schema/v2.13/';

/** file → pointer → why hgw deliberately disagrees. */
const DELIBERATE: Record<string, Record<string, string>> = {
  'hanzo-gateway.json': {
    '/extra_config/qos~1ratelimit~1router': 'service-level router rate limit: not in KrakenD\'s schema, applied by the Go gateway and used in production',
  },
  'example-gateway.json': {
    '/extra_config/qos~1ratelimit~1router': 'service-level router rate limit (see above)',
  },
  'diff-01-go-duration-compound.json': {
    '/endpoints/0/extra_config/qos~1ratelimit~1router': 'Go duration "1m30s": KrakenD\'s schema pattern rejects it, its runtime (and hgw) accept it',
  },
  'diff-02-go-duration-fraction.json': {
    '/extra_config/security~1cors': 'Go duration "1.5h": rejected by KrakenD\'s schema pattern, accepted by its runtime and hgw',
  },
};

interface Instance {
  level: 'service' | 'endpoint' | 'backend';
  owner: string; // pointer of the object holding extra_config
  ns: string;
  pointer: string;
}

const esc = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

function instances(config: Record<string, unknown>, known: Record<string, Set<string>>): Instance[] {
  const out: Instance[] = [];
  const visit = (o: unknown, owner: string, level: Instance['level']) => {
    const ec = (o as { extra_config?: unknown } | undefined)?.extra_config;
    if (!ec || typeof ec !== 'object' || Array.isArray(ec)) return;
    for (const ns of Object.keys(ec)) {
      if (/^[@$_#]/.test(ns)) continue;
      // Only namespaces KrakenD knows at some level are its business; Hanzo's are ours alone.
      if (!known.any!.has(ns)) continue;
      out.push({ level, owner, ns, pointer: `${owner}/extra_config/${esc(ns)}` });
    }
  };
  visit(config, '', 'service');
  (Array.isArray(config.endpoints) ? config.endpoints : []).forEach((e, i) => {
    visit(e, `/endpoints/${i}`, 'endpoint');
    const bs = (e as { backend?: unknown }).backend;
    (Array.isArray(bs) ? bs : []).forEach((b, j) => visit(b, `/endpoints/${i}/backend/${j}`, 'backend'));
  });
  return out;
}

function krakendRejects(errors: ErrorObject[], inst: Instance): boolean {
  return errors.some((e) =>
    e.instancePath === inst.pointer || e.instancePath.startsWith(`${inst.pointer}/`)
    || (e.keyword === 'additionalProperties' && e.instancePath === `${inst.owner}/extra_config`
      && (e.params as { additionalProperty?: string }).additionalProperty === inst.ns));
}

function corpus(): Array<[string, string]> {
  const files: Array<[string, string]> = [
    ['hanzo-gateway.json', `${FIXTURES}real-configs/hanzo-gateway.json`],
    ['example-gateway.json', `${FIXTURES}real-configs/example-gateway.json`],
    ['krakend.json', `${FIXTURES}krakend-ce/krakend.json`],
    ['demo/gateway.json', join(ROOT, 'fixtures/demo/gateway.json')],
  ];
  const dir = join(ROOT, 'fixtures/differential');
  if (existsSync(dir)) {
    for (const f of readdirSync(dir).sort()) if (f.endsWith('.json') && f !== 'verdicts.json') files.push([f, join(dir, f)]);
  }
  return files;
}

describe('differential: hgw vs KrakenD\'s v2.13 schema on CE namespaces', () => {
  let validate: ValidateFunction;
  const known: Record<string, Set<string>> = {};

  beforeAll(() => {
    const require = createRequire(import.meta.url);
    const Ajv2019 = require('ajv/dist/2019').default as new (o: object) => { compile(s: object): ValidateFunction };
    const schema = JSON.parse(readFileSync(KRAKEND_SCHEMA, 'utf8')) as { $defs: Record<string, { properties?: Record<string, unknown> }> };
    validate = new Ajv2019({ strict: false, unicodeRegExp: false, allErrors: true }).compile(schema);
    known.any = new Set();
    for (const [level, def] of [['service', 'service_extra_config.json'], ['endpoint', 'endpoint_extra_config.json'], ['backend', 'backend_extra_config.json']] as const) {
      known[level] = new Set(Object.keys(schema.$defs[`${DEFS}${def}`]?.properties ?? {}));
      for (const ns of known[level]!) known.any.add(ns);
    }
  });

  const files = corpus();

  it('has a corpus of the real configs, the KrakenD fixture and at least 30 of our own', () => {
    expect(files.length).toBeGreaterThanOrEqual(34);
  });

  it.each(files)('%s', (name, path) => {
    const config = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    validate(config);
    const kErrors = validate.errors ?? [];
    const ours = checkGateway(config);
    const deliberate = DELIBERATE[name] ?? {};
    const disagreements: string[] = [];
    const list = instances(config, known);
    for (const inst of list) {
      const theirs = krakendRejects(kErrors, inst);
      // -l semantics: KrakenD's lint rejects unknown keys, so our unknown-* warnings count as rejections.
      const mine = ours.some((d) => (d.pointer === inst.pointer || d.pointer.startsWith(`${inst.pointer}/`))
        && (d.severity === 'error' || d.ruleId === 'unknown-key' || d.ruleId === 'unknown-namespace'));
      if (theirs !== mine && !deliberate[inst.pointer]) {
        disagreements.push(`${inst.pointer}: KrakenD ${theirs ? 'rejects' : 'accepts'}, hgw ${mine ? 'rejects' : 'accepts'}`
          + ` | krakend: ${kErrors.filter((e) => e.instancePath.startsWith(inst.pointer)).map((e) => `${e.instancePath} ${e.message}`).join('; ')}`
          + ` | hgw: ${ours.filter((d) => d.pointer.startsWith(inst.pointer)).map((d) => `${d.ruleId} ${d.message}`).join('; ')}`);
      }
    }
    for (const p of Object.keys(deliberate)) expect(list.map((i) => i.pointer), `stale deliberate difference ${p}`).toContain(p);
    expect(disagreements).toEqual([]);
  });
});
