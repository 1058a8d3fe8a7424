/**
 * Runs one spec the way KrakenD's runner does and compares by its rules:
 * exact status; listed headers compared as value lists (`[""]` = absent);
 * a schema beats a body; a string body is compared byte for byte, an object
 * or array body as parsed JSON. Each problem names what differs.
 */
import { gunzipSync } from 'node:zlib';
import { isDeepStrictEqual } from 'node:util';
import { canonicalHeaderKey } from '../../runtime/shared/headers/canonical-header-key.js';
import { encodeJson } from '../../runtime/shared/json/encode-json.js';
import type { JsonValue } from '../../runtime/shared/json/json-number.js';
import type { GoClient, GoResponse } from './go-client.js';
import { validatorFor } from './body-schema.js';
import type { Spec } from './spec-file.js';
import { firstByteDiff, jsonPathDiffs } from './body-diff.js';

export interface SpecResult {
  name: string;
  ok: boolean;
  problems: string[];
}

export async function runSpec(client: GoClient, spec: Spec, options: { followRedirects: boolean }): Promise<SpecResult> {
  const problems: string[] = [];
  const body = spec.in.body === undefined ? undefined : Buffer.from(typeof spec.in.body === 'string' ? spec.in.body : encodeJson(spec.in.body as JsonValue));
  let res: GoResponse;
  try {
    res = await client.do({ method: spec.in.method ?? 'GET', url: spec.in.url, headers: spec.in.header ?? {}, body, followRedirects: spec.in.follow_redirects ?? options.followRedirects });
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
    const diff = firstByteDiff(actual, spec.out.body);
    if (diff) problems.push(`body ${diff}`);
  } else if (spec.out.body !== undefined && spec.out.body !== null) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(actual);
    } catch {
      problems.push(`body is not JSON: ${JSON.stringify(actual.slice(0, 200))}`);
    }
    if (parsed !== undefined && !isDeepStrictEqual(parsed, spec.out.body)) problems.push(...jsonPathDiffs(parsed, spec.out.body).map((d) => `body ${d}`));
  }
  return { name: spec.name, ok: problems.length === 0, problems };
}
