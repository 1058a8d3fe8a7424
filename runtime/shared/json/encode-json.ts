/**
 * Writes a JsonValue byte for byte as Go's json.Marshal writes the equivalent
 * map[string]interface{} (gin's c.JSON, which KrakenD's clients see): keys in UTF-8
 * byte order, no whitespace, HTML-safe escapes, backend numbers verbatim and
 * config numbers formatted as Go formats a float64.
 */
import { fieldOrder, JsonNumber, type JsonObject, type JsonValue } from './json-number.js';
import { sortByUtf8 } from './utf8-order.js';

/**
 * Recursion is the fast way (no stack of open containers to allocate); values
 * nested deeper than RECURSION_LIMIT are written again by the iterative encoder,
 * so any depth the parser accepts (Go allows 10000) encodes without stack overflow.
 */
export function encodeJson(value: JsonValue): string {
  try {
    return encodeValue(value, 0);
  } catch (e) {
    if (e === TOO_DEEP) return encodeJsonIteratively(value);
    throw e;
  }
}

const RECURSION_LIMIT = 512;
const TOO_DEEP = new Error('nested deeper than the recursive encoder goes');

function encodeValue(value: JsonValue | undefined, depth: number): string {
  if (typeof value !== 'object' || value === null || value instanceof JsonNumber) return encodeScalar(value);
  if (depth >= RECURSION_LIMIT) throw TOO_DEEP;
  if (Array.isArray(value)) {
    const length = value.length;
    if (length === 0) return '[]';
    let out = '[' + encodeValue(value[0], depth + 1);
    for (let i = 1; i < length; i++) out += ',' + encodeValue(value[i], depth + 1);
    return out + ']';
  }
  const keys = objectKeys(value);
  const length = keys.length;
  if (length === 0) return '{}';
  let out = '{';
  for (let i = 0; i < length; i++) {
    const key = keys[i]!;
    out += (i === 0 ? '' : ',') + quoteString(key) + ':' + encodeValue(value[key], depth + 1);
  }
  return out + '}';
}

/** A Go struct's fields in field order (those still present), else a map's keys in UTF-8 order. */
function objectKeys(members: JsonObject): string[] {
  const order = fieldOrder(members);
  return order ? order.filter((k) => Object.hasOwn(members, k)) : sortByUtf8(Object.keys(members));
}

/** The same bytes as encodeJson, with an explicit stack: for values too deep to recurse into. */
export function encodeJsonIteratively(value: JsonValue): string {
  let out = '';
  const open: OpenContainer[] = [];
  let current: JsonValue | undefined = value;
  for (;;) {
    // Write `current`; a non-empty container is opened and its first child becomes current.
    if (typeof current !== 'object' || current === null || current instanceof JsonNumber) {
      out += encodeScalar(current);
    } else if (Array.isArray(current)) {
      if (current.length > 0) {
        out += '[';
        open.push({ kind: 'array', items: current, next: 1 });
        current = current[0];
        continue;
      }
      out += '[]';
    } else {
      const keys = objectKeys(current);
      const first = keys[0];
      if (first !== undefined) {
        out += '{' + quoteString(first) + ':';
        open.push({ kind: 'object', members: current, keys, next: 1 });
        current = current[first];
        continue;
      }
      out += '{}';
    }

    // Step to the next sibling, closing every container that has run out.
    for (;;) {
      const parent = open[open.length - 1];
      if (parent === undefined) return out;
      if (parent.kind === 'array') {
        if (parent.next < parent.items.length) {
          out += ',';
          current = parent.items[parent.next++];
          break;
        }
        out += ']';
      } else {
        const key = parent.keys[parent.next++];
        if (key !== undefined) {
          out += ',' + quoteString(key) + ':';
          current = parent.members[key];
          break;
        }
        out += '}';
      }
      open.pop();
    }
  }
}

type OpenContainer =
  | { readonly kind: 'array'; readonly items: JsonValue[]; next: number }
  | { readonly kind: 'object'; readonly members: JsonObject; readonly keys: string[]; next: number };

/**
 * Go's float64 encoding. Its thresholds (plain digits for 1e-6 <= |x| < 1e21, else
 * exponent form with at least one exponent digit) and shortest round-trip digits are
 * the same as ES Number::toString; only negative zero differs.
 */
export function goFloatString(n: number): string {
  if (!Number.isFinite(n)) {
    const goName = Number.isNaN(n) ? 'NaN' : n > 0 ? '+Inf' : '-Inf';
    throw new Error(`json: unsupported value: ${goName}`);
  }
  if (n === 0 && 1 / n < 0) return '-0';
  return String(n);
}

// Arrays may have holes and callers may slip in non-JSON values; both are bugs worth a loud error.
function encodeScalar(value: JsonValue | undefined): string {
  switch (typeof value) {
    case 'string':
      return quoteString(value);
    case 'number':
      return goFloatString(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      if (value instanceof JsonNumber) return numberLiteral(value.text);
  }
  throw new TypeError(`json: unsupported type: ${typeof value}`);
}

const VALID_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** Go writes a json.Number's text as is, after checking it is a number ("" counts as 0). */
function numberLiteral(text: string): string {
  if (text === '') return '0';
  if (!VALID_NUMBER.test(text)) throw new Error(`json: invalid number literal ${JSON.stringify(text)}`);
  return text;
}

const NEEDS_ESCAPE = /[\u0000-\u001f"\\<>&\u2028\u2029\ud800-\udfff]/;

/** Go's escapes for bytes below 0x20 (Go 1.22+ uses the short forms \b and \f too). */
export const CONTROL_ESCAPES: readonly string[] = Array.from({ length: 0x20 }, (_, code) => {
  switch (code) {
    case 0x08:
      return '\\b';
    case 0x0c:
      return '\\f';
    case 0x0a:
      return '\\n';
    case 0x0d:
      return '\\r';
    case 0x09:
      return '\\t';
    default:
      return '\\u00' + code.toString(16).padStart(2, '0');
  }
});

function quoteString(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return '"' + s + '"';
  let out = '"';
  let pending = 0;
  for (let i = 0; i < s.length; i++) {
    const unit = s.charCodeAt(i);
    let escaped: string;
    if (unit < 0x20) escaped = CONTROL_ESCAPES[unit] as string;
    else if (unit === 0x22) escaped = '\\"';
    else if (unit === 0x5c) escaped = '\\\\';
    else if (unit === 0x3c) escaped = '\\u003c';
    else if (unit === 0x3e) escaped = '\\u003e';
    else if (unit === 0x26) escaped = '\\u0026';
    else if (unit === 0x2028) escaped = '\\u2028';
    else if (unit === 0x2029) escaped = '\\u2029';
    else if (unit >= 0xd800 && unit <= 0xdfff) {
      const next = s.charCodeAt(i + 1);
      if (unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++; // a valid pair is an ordinary astral character, written raw
        continue;
      }
      // A lone surrogate has no UTF-8 form; Go writes \ufffd for bytes that are not UTF-8.
      escaped = '\\ufffd';
    } else continue;
    out += s.slice(pending, i) + escaped;
    pending = i + 1;
  }
  return out + s.slice(pending) + '"';
}
