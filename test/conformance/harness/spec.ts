import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { isDeepStrictEqual } from 'node:util';
import { canonicalHeaderKey } from '../../../runtime/core/canonical-header-key.js';
import { encodeJson } from '../../../runtime/core/json/encode-json.js';
import type { JsonValue } from '../../../runtime/core/json/json-number.js';
import { goDo, type GoResponse } from './go-client.js';
import { validatorFor } from './schema-check.js';

/**
 * KrakenD's spec format (krakend-semantics.md §1.5) and its comparison rules:
 * exact status; listed headers compared as value lists (`[""]` = absent);
 * a schema beats a body; a string body is compared byte for byte, an object
 * or array body as parsed JSON.
 */
export interface Spec {
  name: string;
  /** `follow_redirects: false` is hgw's extension for its own specs (the suite's client always follows). */
  in: { method?: string; url: string; header?: Record<string, string>; body?: unknown; follow_redirects?: boolean };
  out: { status_code?: number; body?: unknown; header?: Record<string, string[]>; schema?: Record<string, unknown> };
  error?: string;
}

/** What the suite expects of KrakenD, said in the Go gateway's names (the only rewrite applied to specs). */
export interface Branding {
  brand: string;
  version: string;
}

export function loadSpecs(dir: string, branding: Branding): Spec[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => rebrand({ name: basename(f, '.json'), ...(JSON.parse(readFileSync(join(dir, f), 'utf8')) as Omit<Spec, 'name'>) }, branding));
}

/** `X-Krakend-Completed` → `X-Gateway-Completed`; `X-Krakend: Version v` → `X-Powered-By: <brand> Version v`; `KrakenD Version v` in bodies → `<brand> Version v`. */
function rebrand(spec: Spec, b: Branding): Spec {
  const header: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(spec.out.header ?? {})) {
    const name = canonicalHeaderKey(k);
    if (name === 'X-Krakend-Completed') header['X-Gateway-Completed'] = v;
    else if (name === 'X-Krakend') header['X-Powered-By'] = v.map((x) => (x === '' ? x : `${b.brand} ${x}`));
    else header[k] = v;
  }
  const rewrite = (s: string) => s.split(`KrakenD Version ${b.version}`).join(`${b.brand} Version ${b.version}`);
  const deep = (v: unknown): unknown =>
    typeof v === 'string' ? rewrite(v) : Array.isArray(v) ? v.map(deep) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, deep(x)])) : v;
  const body = deep(spec.out.body);
  return { ...spec, out: { ...spec.out, header, body } };
}

export interface SpecResult {
  name: string;
  ok: boolean;
  problems: string[];
}

export async function runSpec(spec: Spec, options: { followRedirects: boolean }): Promise<SpecResult> {
  const problems: string[] = [];
  const body = spec.in.body === undefined ? undefined : Buffer.from(typeof spec.in.body === 'string' ? spec.in.body : encodeJson(spec.in.body as JsonValue));
  let res: GoResponse;
  try {
    res = await goDo({ method: spec.in.method ?? 'GET', url: spec.in.url, headers: spec.in.header ?? {}, body, followRedirects: spec.in.follow_redirects ?? options.followRedirects });
  } catch (e) {
    const message = (e as Error).message;
    if (spec.error !== undefined && message === spec.error) return { name: spec.name, ok: true, problems };
    return { name: spec.name, ok: false, problems: [`request failed: ${message}`] };
  }
  // The Go gateway's rebrand: nothing a client sees (nor a backend, whose echo shows our request) names KrakenD.
  for (const [k, values] of res.headers) if (/krakend/i.test(`${k}: ${values.join(',')}`)) problems.push(`header ${k} names KrakenD`);
  if (/krakend/i.test(res.body.toString('latin1'))) problems.push('body names KrakenD');
  if (res.status !== (spec.out.status_code ?? 0)) problems.push(`status ${res.status}, want ${spec.out.status_code}`);
  for (const [k, want] of Object.entries(spec.out.header ?? {})) {
    const got = res.headers.get(canonicalHeaderKey(k));
    if (got === undefined) {
      if (want[0] !== '') problems.push(`header ${k} missing, want ${JSON.stringify(want)}`);
    } else if (!isDeepStrictEqual(got, want)) problems.push(`header ${k} = ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  }
  let text = res.body;
  const enc = res.headers.get('Content-Encoding')?.[0];
  if (enc === 'gzip' || enc === 'x-gzip') text = gunzipSync(text);
  const actual = text.toString('utf8');
  if (spec.out.schema && Object.keys(spec.out.schema).length > 0) {
    const problem = validatorFor(spec.out.schema)(actual);
    if (problem) problems.push(problem);
  } else if (typeof spec.out.body === 'string') {
    if (actual !== spec.out.body) problems.push(`body ${JSON.stringify(actual)}\n   want ${JSON.stringify(spec.out.body)}`);
  } else if (spec.out.body !== undefined && spec.out.body !== null) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(actual);
    } catch {
      problems.push(`body is not JSON: ${JSON.stringify(actual.slice(0, 200))}`);
    }
    if (parsed !== undefined && !isDeepStrictEqual(parsed, spec.out.body)) problems.push(`body ${actual}\n   want ${JSON.stringify(spec.out.body)}`);
  }
  return { name: spec.name, ok: problems.length === 0, problems };
}
