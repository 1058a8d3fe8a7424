/** Sprig's string functions (trim, upper, replace, split, join, quote, indent, case changes, …). */
import { FuncError } from './errors.js';
import { fixed, ints, variadic, type FuncMap } from './functions.js';
import { goQuote } from '../../../runtime/encoding/go-quote.js';
import { strval, toInt } from './sprig-cast.js';
import { isMap } from './values.js';
import { MAX_OUTPUT } from './output.js';

const s = (v: unknown) => strval(v);
const words = (x: string) => x.split(/[\s_\-]+|(?<=[a-z0-9])(?=[A-Z])/).filter(Boolean);
const GO_SPACE = ' \t\n\v\f\r\u0085\u00a0';

function trimCut(x: string, cut: string, left: boolean, right: boolean): string {
  let a = 0;
  let b = x.length;
  while (left && a < b && cut.includes(x[a]!)) a++;
  while (right && b > a && cut.includes(x[b - 1]!)) b--;
  return x.slice(a, b);
}

/** Every line of `x` after `n` spaces; refused before it is built when it would pass the output bound. */
function indent(n: number, x: string): string {
  const width = Math.max(0, n);
  const lines = x.split('\n').length;
  if (width * lines + x.length > MAX_OUTPUT) throw new FuncError(`indent: the result would exceed ${MAX_OUTPUT} characters`);
  const pad = ' '.repeat(width);
  return pad + x.replace(/\n/g, `\n${pad}`);
}

function splitDict(parts: string[]): Record<string, string> {
  return Object.fromEntries(parts.map((p, i) => [`_${i}`, p]));
}

/** Go's strings.SplitN: n < 0 all, n == 0 none, else at most n parts. */
function splitN(x: string, sep: string, n: number): string[] {
  if (n === 0) return [];
  const all = sep === '' ? [...x] : x.split(sep);
  if (n < 0 || all.length <= n) return all;
  return [...all.slice(0, n - 1), all.slice(n - 1).join(sep)];
}

export const SPRIG_STRINGS: FuncMap = {
  trim: fixed(1, ([a]) => trimCut(s(a), GO_SPACE, true, true)),
  trimAll: fixed(2, ([cut, a]) => trimCut(s(a), s(cut), true, true)),
  trimPrefix: fixed(2, ([p, a]) => (s(a).startsWith(s(p)) ? s(a).slice(s(p).length) : s(a))),
  trimSuffix: fixed(2, ([p, a]) => (s(p) !== '' && s(a).endsWith(s(p)) ? s(a).slice(0, -s(p).length) : s(a))),
  upper: fixed(1, ([a]) => s(a).toUpperCase()),
  lower: fixed(1, ([a]) => s(a).toLowerCase()),
  title: fixed(1, ([a]) => s(a).replace(/(^|[^\p{L}\p{N}_])(\p{L})/gu, (_m, pre: string, c: string) => pre + c.toUpperCase())),
  untitle: fixed(1, ([a]) => s(a).replace(/(^|\s)(\S)/g, (_m, pre: string, c: string) => pre + c.toLowerCase())),
  repeat: ints(fixed(2, ([n, a]) => {
    const count = Math.max(0, toInt(n));
    if (count * s(a).length > MAX_OUTPUT) throw new FuncError(`repeat: the result would exceed ${MAX_OUTPUT} characters`);
    return s(a).repeat(count);
  }), 0),
  substr: ints(fixed(3, ([start, end, a]) => {
    const x = s(a);
    const st = toInt(start);
    const en = toInt(end);
    if (st < 0) return x.slice(0, en < 0 ? undefined : en);
    if (en < 0 || en > x.length) return x.slice(st);
    return x.slice(st, en);
  }), 0, 1),
  nospace: fixed(1, ([a]) => s(a).replace(/\s/g, '')),
  trunc: ints(fixed(2, ([n, a]) => {
    const x = s(a);
    const c = toInt(n);
    if (c < 0 && x.length + c > 0) return x.slice(x.length + c);
    if (c >= 0 && x.length > c) return x.slice(0, c);
    return x;
  }), 0),
  abbrev: ints(fixed(2, ([w, a]) => {
    const x = s(a);
    const width = toInt(w);
    if (width < 4 || x.length <= width) return x;
    return `${x.slice(0, width - 3)}...`;
  }), 0),
  initials: fixed(1, ([a]) => s(a).split(/\s+/).filter(Boolean).map((x) => x[0]).join('')),
  contains: fixed(2, ([sub, a]) => s(a).includes(s(sub))),
  hasPrefix: fixed(2, ([p, a]) => s(a).startsWith(s(p))),
  hasSuffix: fixed(2, ([p, a]) => s(a).endsWith(s(p))),
  quote: variadic(0, (args) => args.filter((x) => x !== undefined && x !== null).map((x) => goQuote(s(x))).join(' ')),
  squote: variadic(0, (args) => args.filter((x) => x !== undefined && x !== null).map((x) => `'${s(x)}'`).join(' ')),
  cat: variadic(0, (args) => args.filter((x) => x !== undefined && x !== null).map((x) => s(x)).join(' ')),
  indent: ints(fixed(2, ([n, a]) => indent(toInt(n), s(a))), 0),
  nindent: ints(fixed(2, ([n, a]) => `\n${indent(toInt(n), s(a))}`), 0),
  replace: fixed(3, ([o, n, a]) => s(a).split(s(o)).join(s(n))),
  plural: ints(fixed(3, ([one, many, n]) => (toInt(n) === 1 ? s(one) : s(many))), 2),
  snakecase: fixed(1, ([a]) => words(s(a)).map((w) => w.toLowerCase()).join('_')),
  kebabcase: fixed(1, ([a]) => words(s(a)).map((w) => w.toLowerCase()).join('-')),
  camelcase: fixed(1, ([a]) => words(s(a)).map((w) => w[0]!.toUpperCase() + w.slice(1)).join('')),
  swapcase: fixed(1, ([a]) => [...s(a)].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('')),
  split: fixed(2, ([sep, a]) => splitDict(s(a).split(s(sep)))),
  splitList: fixed(2, ([sep, a]) => (s(sep) === '' ? [...s(a)] : s(a).split(s(sep)))),
  splitn: ints(fixed(3, ([sep, n, a]) => splitDict(splitN(s(a), s(sep), toInt(n)))), 1),
  join: fixed(2, ([sep, v]) => {
    if (Array.isArray(v)) return v.filter((x) => x !== undefined && x !== null).map((x) => s(x)).join(s(sep));
    if (isMap(v)) throw new FuncError('join: a map is not a list');
    return s(v);
  }),
  sortAlpha: fixed(1, ([v]) => (Array.isArray(v) ? v.map((x) => s(x)).sort() : [s(v)])),
  toString: fixed(1, ([a]) => s(a)),
  toStrings: fixed(1, ([v]) => (Array.isArray(v) ? v.map((x) => s(x)) : [s(v)])),
  wrap: ints(fixed(2, ([w, a]) => wrapWords(s(a), toInt(w))), 0),
};

function wrapWords(x: string, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of x.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join('\n');
}
