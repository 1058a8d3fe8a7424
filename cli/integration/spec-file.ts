/**
 * KrakenD's end-to-end spec files (krakend-semantics.md §1.5): read a folder of
 * `{"in": …, "out": …}` files, validate each against KrakenD's own spec schema
 * (fixtures/krakend-schema/e2e.json, v2.13), and report a broken one as a usage
 * error at its file:line:column instead of failing later with a crash.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import type { ErrorObject } from 'ajv';
import { loadJson } from '../load/json.js';
import { joinPointer } from '../load/json-pointer.js';
// Inlined into the CLI bundle by esbuild, so the installed package needs no fixtures/ folder.
import E2E_SCHEMA from '../../fixtures/krakend-schema/e2e.json' with { type: 'json' };
import { HgwError } from '../errors.js';

export interface Spec {
  name: string;
  /** `follow_redirects: false` is hgw's extension for its own specs (the suite's client always follows). */
  in: { method?: string; url: string; header?: Record<string, string>; body?: unknown; follow_redirects?: boolean };
  out: { status_code?: number; body?: unknown; header?: Record<string, string[]>; schema?: Record<string, unknown> };
  /** KrakenD's runner: a transport error with exactly this text passes the spec. Not in e2e.json, but read by KrakenD's runner. */
  error?: string;
}

/** A folder of specs is read whole; these bound what one run reads. */
export const MAX_SPEC_FILES = 10_000;
export const MAX_SPEC_BYTES = 4 * 1024 * 1024;

let validator: ReturnType<Ajv2019['compile']> | undefined;

/** KrakenD's schema plus what hgw's runner also reads: `in.follow_redirects`, HEAD and OPTIONS, and KrakenD's top-level `error`. */
function specValidator(): ReturnType<Ajv2019['compile']> {
  if (validator) return validator;
  const schema = structuredClone(E2E_SCHEMA) as unknown as {
    properties: { in: { properties: Record<string, unknown> } } & Record<string, unknown>;
  };
  schema.properties.in.properties.follow_redirects = { type: 'boolean', description: 'hgw: false stops at the first redirect' };
  // KrakenD's runner sends any method; its schema lists five. HEAD and OPTIONS test the router (405s, preflights).
  schema.properties.in.properties.method = { enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] };
  schema.properties.error = { type: 'string', description: 'KrakenD runner: the expected transport error' };
  validator = new Ajv2019({ strict: false, allErrors: true }).compile(schema);
  return validator;
}

/** Every `*.json` in `dir` (or the one file `dir` names), sorted by name, validated; any broken file is a usage error listing all problems. */
export function loadSpecs(dir: string): Spec[] {
  let files: string[];
  try {
    files = statSync(dir).isDirectory()
      ? readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => join(dir, f))
      : [dir];
  } catch (e) {
    throw new HgwError('HGW_USAGE', `--specs ${dir}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (e as Error).message}`);
  }
  if (files.length === 0) throw new HgwError('HGW_USAGE', `--specs ${dir}: no *.json spec files there`);
  if (files.length > MAX_SPEC_FILES) throw new HgwError('HGW_USAGE', `--specs ${dir}: ${files.length} spec files, more than the ${MAX_SPEC_FILES} one run reads`);
  const problems: string[] = [];
  const specs: Spec[] = [];
  for (const file of files) {
    const spec = loadSpecFile(file, problems);
    if (spec) specs.push(spec);
  }
  if (problems.length > 0) throw new HgwError('HGW_USAGE', `invalid spec file(s) (KrakenD's e2e.json schema):\n  ${problems.join('\n  ')}`);
  return specs;
}

function loadSpecFile(file: string, problems: string[]): Spec | undefined {
  const size = statSync(file).size;
  if (size > MAX_SPEC_BYTES) {
    problems.push(`${file}: ${size} bytes, more than the ${MAX_SPEC_BYTES} a spec may have`);
    return undefined;
  }
  const text = readFileSync(file, 'utf8');
  const loaded = loadJson(file, text);
  if (!loaded.ok) {
    for (const d of loaded.diagnostics) problems.push(`${file}:${d.range.start.line}:${d.range.start.column}: ${d.message}`);
    return undefined;
  }
  const validate = specValidator();
  if (!validate(loaded.doc.value)) {
    const seen = new Set<string>();
    for (const e of validate.errors ?? []) {
      if (e.keyword === 'anyOf') continue; // its branches say what is missing
      const { pointer, message } = describe(e);
      const at = loaded.doc.sourceMap.keyRange(pointer).start;
      const line = `${file}:${at.line}:${at.column}: ${pointer || '/'} ${message}`;
      if (!seen.has(line)) problems.push(line);
      seen.add(line);
    }
    return undefined;
  }
  // JSON.parse, not the positioned value: bodies compare as plain JSON, as KrakenD's runner does.
  return { name: basename(file, '.json'), ...(JSON.parse(text) as Omit<Spec, 'name'>) };
}

function describe(e: ErrorObject): { pointer: string; message: string } {
  if (e.keyword === 'additionalProperties') {
    const key = String((e.params as { additionalProperty: string }).additionalProperty);
    return { pointer: joinPointer(e.instancePath, key), message: 'is not a spec field (comments start with @, $, _ or #)' };
  }
  if (e.keyword === 'enum') return { pointer: e.instancePath, message: `must be one of ${((e.params as { allowedValues: unknown[] }).allowedValues).join(', ')}` };
  return { pointer: e.instancePath, message: e.message ?? e.keyword };
}
