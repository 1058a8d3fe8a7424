/** Sprig's default/empty/coalesce/ternary family, type reflection and deepEqual. */
import { FuncError } from './errors.js';
import { fixed, variadic, type FuncMap } from './functions.js';
import { GoFloat, isMap, kindName, typeName } from './values.js';

/** Sprig's empty: nil, zero numbers, false, "" and empty collections. */
export function empty(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return true;
  if (v instanceof GoFloat) return v.value === 0;
  if (Array.isArray(v)) return v.length === 0;
  if (isMap(v)) return Object.keys(v).length === 0;
  return false;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if ((a === null || a === undefined) && (b === null || b === undefined)) return true;
  if (a instanceof GoFloat && b instanceof GoFloat) return a.value === b.value;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isMap(a) && isMap(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

export const SPRIG_VALUES: FuncMap = {
  default: variadic(1, ([d, ...given]) => (given.length === 0 || empty(given[0]) ? d : given[0])),
  empty: fixed(1, ([v]) => empty(v)),
  coalesce: variadic(0, (a) => a.find((x) => !empty(x)) ?? null),
  all: variadic(0, (a) => a.every((x) => !empty(x))),
  any: variadic(0, (a) => a.some((x) => !empty(x))),
  ternary: fixed(3, ([t, f, c]) => (c === true ? t : f)),
  fail: fixed(1, ([m]) => {
    throw new FuncError(String(m));
  }),
  typeOf: fixed(1, ([v]) => typeName(v)),
  typeIs: fixed(2, ([t, v]) => typeName(v) === t),
  kindOf: fixed(1, ([v]) => kindName(v)),
  kindIs: fixed(2, ([k, v]) => kindName(v) === k),
  deepEqual: fixed(2, ([a, b]) => deepEqual(a, b)),
};
