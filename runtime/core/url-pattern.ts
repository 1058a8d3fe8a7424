import type { JsonValue } from '../shared/json/json-number.js';
import { JsonNumber, isJsonObject } from '../shared/json/json-number.js';
import { goFloatString } from '../shared/json/encode-json.js';
import { isPlainObject } from '../shared/is-plain-object.js';

/**
 * A backend url_pattern compiled once. Placeholders are matched as Lura
 * matches them — by name with the first letter upper-cased (`{id}` ↔ `Id`) —
 * and may name an endpoint param or, in a sequential proxy, a field of an
 * earlier backend's response (`{resp0_user.id}`). A placeholder with no value
 * is left as the literal `{{.Name}}`, as Lura's template substitution does.
 */
type Slot = { kind: 'param'; index: number } | { kind: 'resp'; backend: number; path: string[] } | { kind: 'jwt'; claim: string } | { kind: 'none' };

export interface CompiledPattern {
  /** Literal parts; `slots[i]` goes between `parts[i]` and `parts[i + 1]`. */
  parts: string[];
  slots: Slot[];
  /** `{{.Name}}` for each slot, written when the slot has no value. */
  literals: string[];
  hasQuery: boolean;
  /** The template form Lura prints in errors: `/users/{{.Id}}`. */
  template: string;
  /** Highest respN referenced, or -1. */
  maxResp: number;
}

// A `{JWT.claim}` may name a claim with slashes (`{JWT.http://example.com/custom}`).
const PLACEHOLDER = /\{(JWT\.[^{}]+|[^{}/]+)\}/g;
const RESP = /^resp(\d+)_(.+)$/;

export function compileUrlPattern(pattern: string, params: string[]): CompiledPattern {
  const keys = params.map(goKey);
  const parts: string[] = [];
  const slots: Slot[] = [];
  const literals: string[] = [];
  let maxResp = -1;
  let last = 0;
  for (const m of pattern.matchAll(PLACEHOLDER)) {
    parts.push(pattern.slice(last, m.index));
    const name = m[1]!;
    const key = goKey(name);
    const resp = RESP.exec(name);
    const index = keys.indexOf(key);
    if (index >= 0) slots.push({ kind: 'param', index });
    else if (name.startsWith('JWT.')) slots.push({ kind: 'jwt', claim: name.slice(4) });
    else if (resp) {
      const backend = Number(resp[1]);
      maxResp = Math.max(maxResp, backend);
      slots.push({ kind: 'resp', backend, path: resp[2]!.split('.') });
    } else slots.push({ kind: 'none' });
    literals.push(`{{.${key}}}`);
    last = m.index! + m[0].length;
  }
  parts.push(pattern.slice(last));
  let template = parts[0]!;
  for (let i = 0; i < literals.length; i++) template += literals[i]! + parts[i + 1]!;
  return { parts, slots, literals, hasQuery: pattern.includes('?'), template, maxResp };
}

/** Fills the pattern; `responses[n]` is backend n's data in a sequential proxy. */
export function expandUrlPattern(
  p: CompiledPattern,
  params: string[],
  responses?: ReadonlyArray<JsonValue | undefined>,
  claims?: Readonly<Record<string, unknown>>,
): string {
  if (p.slots.length === 0) return p.parts[0]!;
  let out = p.parts[0]!;
  for (let i = 0; i < p.slots.length; i++) {
    const slot = p.slots[i]!;
    let value: string | undefined;
    if (slot.kind === 'param') value = params[slot.index];
    else if (slot.kind === 'resp') value = respText(responses?.[slot.backend], slot.path);
    else if (slot.kind === 'jwt' && claims) value = jwtText(claims, slot.claim);
    out += (value !== undefined ? escapePathValue(value) : p.literals[i]!) + p.parts[i + 1]!;
  }
  return out;
}

function goKey(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** `{JWT.a.b}`: the claim named whole first (names may hold dots), then as a path. */
function jwtText(claims: Readonly<Record<string, unknown>>, claim: string): string | undefined {
  let v: unknown = claims[claim];
  if (v === undefined) {
    v = claims;
    for (const k of claim.split('.')) v = isPlainObject(v) ? v[k] : undefined;
  }
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.join(',');
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function respText(data: JsonValue | undefined, path: string[]): string | undefined {
  let v: JsonValue | undefined = data;
  for (const k of path) {
    if (!isJsonObject(v)) return undefined;
    v = v[k];
  }
  return v === undefined ? undefined : goValueText(v);
}

/** How Lura prints a response value into a URL (fmt's %v for the decoded types). */
export function goValueText(v: JsonValue): string {
  if (v === null) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (v instanceof JsonNumber) return v.text;
  if (typeof v === 'number') return goFloatString(v);
  if (Array.isArray(v)) return v.map(goValueText).join(',');
  return `map[${Object.keys(v).sort().map((k) => `${k}:${goValueText(v[k]!)}`).join(' ')}]`;
}

/** Param values are decoded; re-escape what cannot travel in a request line, as Go's URL.EscapedPath does. */
const PATH_SAFE = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/]*$/;

function escapePathValue(v: string): string {
  return PATH_SAFE.test(v) ? v : encodeURIComponent(v).replace(/%(2[146789ABCF]|3[ABD]|40)/g, (m) => decodeURIComponent(m));
}
