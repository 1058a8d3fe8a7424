/**
 * KrakenD's specs expect KrakenD's name; the Go gateway answers with its brand.
 * The one rewrite applied to a spec: `X-Krakend-Completed` → `X-Gateway-Completed`,
 * `X-Krakend: Version v` → `X-Powered-By: <brand> Version v`, and `KrakenD Version v`
 * in bodies → `<brand> Version v`. Specs written for hgw contain none of these.
 */
import { canonicalHeaderKey } from '../../runtime/shared/headers/canonical-header-key.js';
import type { Spec } from './spec-file.js';

export interface Branding {
  brand: string;
  version: string;
}

export function rebrand(spec: Spec, b: Branding): Spec {
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
