/**
 * Why this exists: mxj writes a non-string `#text` value with `fmt.Sprintf("%v")`,
 * so a number, a bool, null, a map or a list under `#text` comes out the way Go's
 * fmt prints the decoded value (`<nil>`, `map[a:1 b:x]`, `[1 2]`), unescaped.
 */
import { JsonNumber, type JsonValue } from '../shared/json/json-number.js';
import { sortByUtf8 } from '../shared/json/utf8-order.js';
import { formatGoFloat } from './go-float-format.js';
import type { PlainNumberKind } from './plain-number-kind.js';

/** `fmt.Sprintf("%v", v)` of the Go value hgw's `v` stands for. */
export function goSprintV(value: JsonValue, plainNumbers: PlainNumberKind): string {
  if (value === null) return '<nil>';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return plainNumberText(value, plainNumbers);
  if (value instanceof JsonNumber) return value.text;
  if (Array.isArray(value)) return `[${value.map((v) => goSprintV(v, plainNumbers)).join(' ')}]`;
  const parts = sortByUtf8(Object.keys(value)).map((k) => `${k}:${goSprintV(value[k] ?? null, plainNumbers)}`);
  return `map[${parts.join(' ')}]`;
}

/** A plain JS number as mxj prints it: json.Number text or float64 `%v`. */
export function plainNumberText(n: number, plainNumbers: PlainNumberKind): string {
  if (plainNumbers === 'float64' || !Number.isFinite(n)) return formatGoFloat(n);
  return String(n);
}
