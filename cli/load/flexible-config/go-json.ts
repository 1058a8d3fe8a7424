/**
 * Go's encoding/json Marshal of template values, byte for byte: map keys
 * sorted, `<`, `>`, `&`, U+2028 and U+2029 escaped unless `raw` (sprig's
 * toRawJson), floats as Go writes them, and MarshalIndent's layout.
 */
import { formatFloat, GoFloat, isMap, sortedKeys } from './values.js';

export interface GoJsonOptions {
  /** Keep `<>&` as they are (toRawJson); Go's Marshal escapes them for HTML. */
  raw?: boolean;
  /** MarshalIndent's indent (toPrettyJson uses two spaces). */
  indent?: string;
}

export function goJson(v: unknown, options: GoJsonOptions = {}): string {
  return encode(v, options, '');
}

function encode(v: unknown, o: GoJsonOptions, prefix: string): string {
  if (v === undefined || v === null) return 'null';
  if (typeof v === 'string') return encodeString(v, o.raw === true);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return String(v);
  if (v instanceof GoFloat) {
    if (!Number.isFinite(v.value)) throw new Error(`json: unsupported value: ${formatFloat(v.value)}`);
    return goJsonFloat(v.value);
  }
  const nl = o.indent === undefined ? '' : `\n${prefix}${o.indent}`;
  const end = o.indent === undefined ? '' : `\n${prefix}`;
  const inner = prefix + (o.indent ?? '');
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[${v.map((x) => nl + encode(x, o, inner)).join(',')}${end}]`;
  }
  if (isMap(v)) {
    const keys = sortedKeys(v);
    if (keys.length === 0) return '{}';
    const sep = o.indent === undefined ? ':' : ': ';
    return `{${keys.map((k) => nl + encodeString(k, o.raw === true) + sep + encode(v[k], o, inner)).join(',')}${end}}`;
  }
  return encodeString(String(v), o.raw === true);
}

/** Go writes shortest digits, in exponent form below 1e-6 or from 1e21 on, with `e-7` (not `e-07`): what JS's String does. */
function goJsonFloat(n: number): string {
  return Object.is(n, -0) ? '-0' : String(n);
}

function encodeString(s: string, raw: boolean): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const c = s.charCodeAt(i);
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (c === 10) out += '\\n';
    else if (c === 13) out += '\\r';
    else if (c === 9) out += '\\t';
    else if (c < 0x20 || (!raw && (ch === '<' || ch === '>' || ch === '&')) || c === 0x2028 || c === 0x2029) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}
