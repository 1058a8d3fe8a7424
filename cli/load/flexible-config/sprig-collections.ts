/** Sprig's list and dict functions (list, first, append, uniq, dict, get, set, hasKey, keys, merge, dig, …). */
import { FuncError } from './errors.js';
import { fixed, variadic, type FuncMap } from './functions.js';
import { asList, strval } from './sprig-cast.js';
import { deepEqual, empty } from './sprig-values.js';
import { isMap, sortedKeys, type GoMap } from './values.js';

function asDict(v: unknown, fn: string): GoMap {
  if (isMap(v)) return v;
  throw new FuncError(`${fn}: expected a dict, got ${strval(v)}`);
}

function deepCopy(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(deepCopy);
  if (isMap(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, deepCopy(x)]));
  return v;
}

/** mergo.Merge: fill what dst lacks (or holds empty) from src, recursing into dicts; `overwrite` lets src win. */
function mergeInto(dst: GoMap, src: GoMap, overwrite: boolean): void {
  for (const k of Object.keys(src)) {
    const d = dst[k];
    const s = src[k];
    if (isMap(d) && isMap(s)) mergeInto(d, s, overwrite);
    else if (!Object.hasOwn(dst, k) || d === null || d === undefined || (overwrite && s !== undefined && s !== null)) dst[k] = deepCopy(s);
  }
}

export const SPRIG_COLLECTIONS: FuncMap = {
  list: variadic(0, (a) => [...a]),
  tuple: variadic(0, (a) => [...a]),
  first: fixed(1, ([l]) => asList(l, 'first')[0] ?? null),
  last: fixed(1, ([l]) => asList(l, 'last').at(-1) ?? null),
  rest: fixed(1, ([l]) => asList(l, 'rest').slice(1)),
  initial: fixed(1, ([l]) => asList(l, 'initial').slice(0, -1)),
  append: fixed(2, ([l, v]) => [...asList(l, 'append'), v]),
  push: fixed(2, ([l, v]) => [...asList(l, 'push'), v]),
  prepend: fixed(2, ([l, v]) => [v, ...asList(l, 'prepend')]),
  concat: variadic(0, (ls) => ls.flatMap((l) => asList(l, 'concat'))),
  reverse: fixed(1, ([l]) => [...asList(l, 'reverse')].reverse()),
  uniq: fixed(1, ([l]) => asList(l, 'uniq').filter((x, i, all) => all.findIndex((y) => deepEqual(x, y)) === i)),
  without: variadic(1, ([l, ...omit]) => asList(l, 'without').filter((x) => !omit.some((o) => deepEqual(x, o)))),
  has: fixed(2, ([needle, l]) => asList(l, 'has').some((x) => deepEqual(x, needle))),
  compact: fixed(1, ([l]) => asList(l, 'compact').filter((x) => !empty(x))),
  dict: variadic(0, (a) => {
    const out: GoMap = {};
    for (let i = 0; i < a.length; i += 2) out[strval(a[i])] = i + 1 < a.length ? a[i + 1] : '';
    return out;
  }),
  get: fixed(2, ([d, k]) => {
    const m = asDict(d, 'get');
    return Object.hasOwn(m, strval(k)) ? m[strval(k)] : '';
  }),
  set: fixed(3, ([d, k, v]) => {
    const m = asDict(d, 'set');
    m[strval(k)] = v;
    return m;
  }),
  unset: fixed(2, ([d, k]) => {
    const m = asDict(d, 'unset');
    delete m[strval(k)];
    return m;
  }),
  hasKey: fixed(2, ([d, k]) => Object.hasOwn(asDict(d, 'hasKey'), strval(k))),
  // Sprig returns Go's random map order; sorted is one of those orders, and the one that renders the same twice.
  keys: variadic(0, (ds) => ds.flatMap((d) => sortedKeys(asDict(d, 'keys')))),
  values: fixed(1, ([d]) => {
    const m = asDict(d, 'values');
    return sortedKeys(m).map((k) => m[k]);
  }),
  pluck: variadic(1, ([k, ...ds]) => ds.map((d) => asDict(d, 'pluck')).filter((m) => Object.hasOwn(m, strval(k))).map((m) => m[strval(k)])),
  pick: variadic(1, ([d, ...ks]) => {
    const m = asDict(d, 'pick');
    return Object.fromEntries(ks.map(strval).filter((k) => Object.hasOwn(m, k)).map((k) => [k, m[k]]));
  }),
  omit: variadic(1, ([d, ...ks]) => {
    const m = asDict(d, 'omit');
    const drop = new Set(ks.map(strval));
    return Object.fromEntries(Object.entries(m).filter(([k]) => !drop.has(k)));
  }),
  merge: variadic(1, ([dst, ...srcs]) => {
    const d = asDict(dst, 'merge');
    for (const s of srcs) mergeInto(d, asDict(s, 'merge'), false);
    return d;
  }),
  mergeOverwrite: variadic(1, ([dst, ...srcs]) => {
    const d = asDict(dst, 'mergeOverwrite');
    for (const s of srcs) mergeInto(d, asDict(s, 'mergeOverwrite'), true);
    return d;
  }),
  deepCopy: fixed(1, ([v]) => deepCopy(v)),
  dig: variadic(3, (a) => {
    const dict = asDict(a[a.length - 1], 'dig');
    const dflt = a[a.length - 2];
    let cur: unknown = dict;
    for (const k of a.slice(0, -2)) {
      if (!isMap(cur) || !Object.hasOwn(cur, strval(k))) return dflt;
      cur = cur[strval(k)];
    }
    return cur;
  }),
};
