/**
 * text/template's predefined functions: and, or (short-circuit, in the
 * executor), not, len, index, slice, print, printf, println, html, js,
 * urlquery, eq, ne, lt, le, gt, ge — with Go's errors for what they refuse.
 */
import { FuncError } from './errors.js';
import { fixed, variadic, type FuncMap } from './functions.js';
import { sprintf } from './printf.js';
import { formatValue, GoFloat, isMap, truth, typeName } from './values.js';

/** fmt.Sprint: a space between operands when neither side is a string. */
export function sprint(args: unknown[]): string {
  let out = '';
  args.forEach((a, i) => {
    if (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += formatValue(a);
  });
  return out;
}

/** The escapers take one string or fmt.Sprint of all their arguments. */
function evalArgs(args: unknown[]): string {
  return args.length === 1 && typeof args[0] === 'string' ? args[0] : sprint(args);
}

export function htmlEscape(s: string): string {
  return s.replace(/[&'<>"\0]/g, (c) => ({ '&': '&amp;', "'": '&#39;', '<': '&lt;', '>': '&gt;', '"': '&#34;', '\0': '\uFFFD' })[c]!);
}

export function jsEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === "'") out += "\\'";
    else if (ch === '"') out += '\\"';
    else if ('<>&='.includes(ch)) out += `\\u${c.toString(16).toUpperCase().padStart(4, '0')}`;
    else if (c < 0x20) out += `\\u${c.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += ch;
  }
  return out;
}

/** url.QueryEscape: unreserved bytes kept, space as `+`, the rest %XX. */
export function queryEscape(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

type Basic = 'bool' | 'int' | 'float' | 'string' | 'nil';

function basicKind(v: unknown): Basic | undefined {
  if (v === undefined || v === null) return 'nil';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return 'int';
  if (v instanceof GoFloat) return 'float';
  if (typeof v === 'string') return 'string';
  return undefined;
}

/** The comparable payload: a float64's number, else the value itself. */
const payload = (v: unknown) => (v instanceof GoFloat ? v.value : v);

/** eq: arg1 == arg2 || arg1 == arg3 …, only for comparable basic values. */
export function goEq(a: unknown, ...others: unknown[]): boolean {
  const ka = basicKind(a);
  if (!ka) throw new FuncError(`non-comparable type ${formatValue(a)}: ${typeName(a)}`);
  if (others.length === 0) throw new FuncError('missing argument for comparison');
  for (const b of others) {
    const kb = basicKind(b);
    if (!kb) throw new FuncError(`non-comparable type ${formatValue(b)}: ${typeName(b)}`);
    if (ka === 'nil' || kb === 'nil') {
      if (ka === kb) return true;
      continue;
    }
    if (ka !== kb) throw new FuncError('incompatible types for comparison');
    if (payload(a) === payload(b)) return true;
  }
  return false;
}

function goLt(a: unknown, b: unknown): boolean {
  const ka = basicKind(a);
  const kb = basicKind(b);
  if (ka === 'bool' || ka === 'nil' || !ka || kb === 'bool' || kb === 'nil' || !kb) throw new FuncError('invalid type for comparison');
  if (ka !== kb) throw new FuncError('incompatible types for comparison');
  return (payload(a) as number | string) < (payload(b) as number | string);
}

function indexOne(item: unknown, key: unknown): unknown {
  if (item === undefined || item === null) throw new FuncError('index of untyped nil');
  if (Array.isArray(item) || typeof item === 'string') {
    if (typeof key !== 'number' || !Number.isInteger(key)) throw new FuncError(`cannot index slice/array with type ${typeName(key)}`);
    const len = typeof item === 'string' ? Buffer.byteLength(item) : item.length;
    if (key < 0 || key >= len) throw new FuncError(`index out of range: ${key}`);
    return typeof item === 'string' ? Buffer.from(item, 'utf8')[key] : item[key];
  }
  if (isMap(item)) {
    if (typeof key !== 'string') throw new FuncError(`value has type ${typeName(key)}; should be string`);
    return Object.hasOwn(item, key) ? item[key] : undefined;
  }
  throw new FuncError(`can't index item of type ${typeName(item)}`);
}

export const BUILTINS: FuncMap = {
  // and/or never reach these bodies: the executor evaluates them lazily.
  and: variadic(1, (a) => a.find((x) => !truth(x)) ?? a[a.length - 1]),
  or: variadic(1, (a) => a.find((x) => truth(x)) ?? a[a.length - 1]),
  not: fixed(1, ([a]) => !truth(a)),
  len: fixed(1, ([a]) => {
    if (typeof a === 'string') return Buffer.byteLength(a);
    if (Array.isArray(a)) return a.length;
    if (isMap(a)) return Object.keys(a).length;
    throw new FuncError(`len of ${a === undefined || a === null ? 'nil pointer' : `type ${typeName(a)}`}`);
  }),
  index: variadic(1, ([item, ...keys]) => keys.reduce((acc, k) => indexOne(acc, k), item)),
  slice: variadic(1, ([item, ...idx]) => {
    if (idx.length > 3) throw new FuncError(`too many slice indexes: ${idx.length}`);
    if (!(typeof item === 'string' || Array.isArray(item))) throw new FuncError(`can't slice item of type ${typeName(item)}`);
    if (typeof item === 'string' && idx.length === 3) throw new FuncError('cannot 3-index slice a string');
    const len = item.length;
    const [lo = 0, hi = len] = idx as number[];
    if (idx.some((x) => typeof x !== 'number' || !Number.isInteger(x))) throw new FuncError('cannot index slice/array with non-integer');
    if (lo < 0 || hi > len || lo > hi) throw new FuncError(`index out of range: ${lo > hi ? lo : hi}`);
    return item.slice(lo, hi);
  }),
  print: variadic(0, (a) => sprint(a)),
  println: variadic(0, (a) => `${a.map((x) => formatValue(x)).join(' ')}\n`),
  printf: variadic(1, ([f, ...a]) => {
    if (typeof f !== 'string') throw new FuncError(`wrong type for value; expected string; got ${typeName(f)}`);
    return sprintf(f, a);
  }),
  html: variadic(0, (a) => htmlEscape(evalArgs(a))),
  js: variadic(0, (a) => jsEscape(evalArgs(a))),
  urlquery: variadic(0, (a) => queryEscape(evalArgs(a))),
  eq: variadic(1, ([a, ...b]) => goEq(a, ...b)),
  ne: fixed(2, ([a, b]) => !goEq(a, b)),
  lt: fixed(2, ([a, b]) => goLt(a, b)),
  le: fixed(2, ([a, b]) => goLt(a, b) || goEq(a, b)),
  gt: fixed(2, ([a, b]) => !goLt(a, b) && !goEq(a, b)),
  ge: fixed(2, ([a, b]) => !goLt(a, b)),
};
