/**
 * The value model: settings are JSON, so values are what Go's encoding/json
 * gives a template — maps, slices, strings, float64s, bools and nil — plus
 * Go ints (template literals, Sprig's integer math, len), and `undefined`
 * for Go's "no value" (a missing map key). A JS number is a Go int; a
 * GoFloat is a float64, so `eq .port 8080` and `printf "%d" .port` fail or
 * print as they do in Go. What Go's fmt and text/template do with values
 * lives here: truth, %v printing, type names.
 */
export type GoMap = { [key: string]: unknown };

/** A Go float64. */
export class GoFloat {
  constructor(readonly value: number) {}
}

export function isMap(v: unknown): v is GoMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof GoFloat);
}

/** The number in a Go int or float64, else undefined. */
export function numberOf(v: unknown): number | undefined {
  return typeof v === 'number' ? v : v instanceof GoFloat ? v.value : undefined;
}

/** JSON text → template values: every number a float64, as Go's encoding/json decodes into interface{}. */
export function parseGoJson(text: string): unknown {
  return JSON.parse(text, (_k, v: unknown) => (typeof v === 'number' ? new GoFloat(v) : v));
}

/** text/template's truth: false, 0, nil, "", and empty slices and maps are false. */
export function truth(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return false;
  if (v instanceof GoFloat) return v.value !== 0;
  if (Array.isArray(v)) return v.length > 0;
  if (isMap(v)) return Object.keys(v).length > 0;
  return true;
}

/** Sorted map keys: Go prints and ranges over maps in key order. */
export function sortedKeys(m: GoMap): string[] {
  return Object.keys(m).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A float64 as Go's %v (strconv 'g', shortest) prints it: exponent form when the exponent is below -4 or at least 6 (1e+06). */
export function formatFloat(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : '-Inf';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  const abs = Math.abs(n);
  const exp = Number(n.toExponential().split('e')[1]);
  if (exp < -4 || exp >= 6 || abs >= 1e21) return goExponent(n.toExponential());
  return String(n);
}

/** JS `1.5e+21` → Go `1.5e+21`; JS `1e-7` → Go `1e-07` (at least two exponent digits). */
export function goExponent(s: string): string {
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

/** fmt's %v of a value; `top` is the action's own result, where Go prints "<no value>" for nothing. */
export function formatValue(v: unknown, top = false): string {
  if (v === undefined) return top ? '<no value>' : '<nil>';
  if (v === null) return top ? '<no value>' : '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (v instanceof GoFloat) return formatFloat(v.value);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return `[${v.map((x) => formatValue(x)).join(' ')}]`;
  if (isMap(v)) return `map[${sortedKeys(v).map((k) => `${k}:${formatValue(v[k])}`).join(' ')}]`;
  return String(v);
}

/** Go's type name of a value, for %T, typeOf and error messages. */
export function typeName(v: unknown): string {
  if (v === undefined || v === null) return '<nil>';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'int';
  if (v instanceof GoFloat) return 'float64';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return '[]interface {}';
  if (isMap(v)) return 'map[string]interface {}';
  return typeof v;
}

/** Go's reflect.Kind name, for kindOf / kindIs. */
export function kindName(v: unknown): string {
  if (v === undefined || v === null) return 'invalid';
  if (typeof v === 'number') return 'int';
  if (v instanceof GoFloat) return 'float64';
  if (Array.isArray(v)) return 'slice';
  if (isMap(v)) return 'map';
  return typeName(v);
}
