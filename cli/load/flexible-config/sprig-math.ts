/** Sprig's integer and float math (add, sub, mul, div, mod, max, min, floor, ceil, round, until, seq, …). */
import { FuncError } from './errors.js';
import { fixed, ints, variadic, type FuncMap } from './functions.js';
import { toFloat, toInt } from './sprig-cast.js';
import { GoFloat } from './values.js';

const f = (n: number) => new GoFloat(n);

/** until/untilStep/seq build lists in memory before anything is written: this many elements at most. */
export const MAX_LIST = 1_000_000;

function range(start: number, stop: number, step: number): number[] {
  if (step === 0 || (step > 0 && start >= stop) || (step < 0 && start <= stop)) return [];
  const n = Math.ceil((stop - start) / step);
  if (n > MAX_LIST) throw new FuncError(`a list of ${n} elements is more than ${MAX_LIST}`);
  return Array.from({ length: n }, (_, i) => start + i * step);
}

const intDiv = (a: number, b: number) => {
  if (b === 0) throw new FuncError('runtime error: integer divide by zero');
  return Math.trunc(a / b);
};

export const SPRIG_MATH: FuncMap = {
  add: variadic(0, (a) => a.reduce<number>((s, x) => s + toInt(x), 0)),
  add1: fixed(1, ([a]) => toInt(a) + 1),
  sub: fixed(2, ([a, b]) => toInt(a) - toInt(b)),
  mul: variadic(1, (a) => a.reduce<number>((s, x) => s * toInt(x), 1)),
  div: fixed(2, ([a, b]) => intDiv(toInt(a), toInt(b))),
  mod: fixed(2, ([a, b]) => {
    if (toInt(b) === 0) throw new FuncError('runtime error: integer divide by zero');
    return toInt(a) % toInt(b);
  }),
  max: variadic(1, (a) => Math.max(...a.map(toInt))),
  min: variadic(1, (a) => Math.min(...a.map(toInt))),
  biggest: variadic(1, (a) => Math.max(...a.map(toInt))),
  addf: variadic(0, (a) => f(a.reduce<number>((s, x) => s + toFloat(x), 0))),
  add1f: fixed(1, ([a]) => f(toFloat(a) + 1)),
  subf: variadic(1, ([a, ...r]) => f(r.reduce<number>((s, x) => s - toFloat(x), toFloat(a)))),
  mulf: variadic(1, (a) => f(a.reduce<number>((s, x) => s * toFloat(x), 1))),
  divf: variadic(1, ([a, ...r]) => f(r.reduce<number>((s, x) => s / toFloat(x), toFloat(a)))),
  maxf: variadic(1, (a) => f(Math.max(...a.map(toFloat)))),
  minf: variadic(1, (a) => f(Math.min(...a.map(toFloat)))),
  floor: fixed(1, ([a]) => f(Math.floor(toFloat(a)))),
  ceil: fixed(1, ([a]) => f(Math.ceil(toFloat(a)))),
  round: ints(variadic(2, ([a, p, r = 0.5]) => {
    const pow = 10 ** toInt(p);
    const digit = toFloat(a) * pow;
    const whole = Math.trunc(digit);
    return f((Math.abs(digit - whole) >= toFloat(r) ? whole + Math.sign(digit) : whole) / pow);
  }), 1),
  until: ints(fixed(1, ([n]) => (toInt(n) < 0 ? range(0, toInt(n), -1) : range(0, toInt(n), 1))), 0),
  untilStep: ints(fixed(3, ([a, b, c]) => range(toInt(a), toInt(b), toInt(c))), 0, 1, 2),
  seq: ints(variadic(0, (a) => {
    const n = a.map(toInt);
    if (n.length === 0) return '';
    const [start, step, end] = n.length === 1 ? [1, 1, n[0]!] : n.length === 2 ? [n[0]!, n[0]! <= n[1]! ? 1 : -1, n[1]!] : [n[0]!, n[1]!, n[2]!];
    return range(start, end + Math.sign(step || 1), step).join(' ');
  }), 0, 1, 2),
  int: fixed(1, ([a]) => toInt(a)),
  int64: fixed(1, ([a]) => toInt(a)),
  atoi: fixed(1, ([a]) => (typeof a === 'string' && /^[+-]?\d+$/.test(a.trim()) ? Number(a.trim()) : 0)),
  float64: fixed(1, ([a]) => f(toFloat(a))),
};
