/**
 * Go's fmt.Sprintf for templates: the verbs %v %s %q %d %f %e %g %x %X %o %b
 * %c %U %t %T %%, flags `-+# 0`, width and precision (also `*`), and Go's
 * in-band errors (`%!d(string=x)`, `%!s(MISSING)`, `%!(EXTRA …)`).
 */
import { goQuote } from '../../../runtime/encoding/go-quote.js';
import { formatFloat, formatValue, goExponent, GoFloat, typeName } from './values.js';

interface Spec {
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width?: number;
  prec?: number;
}

export function sprintf(format: string, args: unknown[]): string {
  let out = '';
  let argi = 0;
  let i = 0;
  while (i < format.length) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    const spec: Spec = { minus: false, plus: false, sharp: false, space: false, zero: false };
    for (; i < format.length; i++) {
      const c = format[i];
      if (c === '-') spec.minus = true;
      else if (c === '+') spec.plus = true;
      else if (c === '#') spec.sharp = true;
      else if (c === ' ') spec.space = true;
      else if (c === '0') spec.zero = true;
      else break;
    }
    const num = (): number | undefined => {
      if (format[i] === '*') {
        i++;
        const a = args[argi++];
        return typeof a === 'number' ? Math.trunc(a) : undefined;
      }
      const m = /^\d+/.exec(format.slice(i));
      if (!m) return undefined;
      i += m[0].length;
      return Number(m[0]);
    };
    spec.width = num();
    let bad = '';
    // Go's fmt refuses widths and precisions beyond a million (a bound on the padding it writes).
    if (spec.width !== undefined && Math.abs(spec.width) > 1e6) {
      bad = '%!(BADWIDTH)';
      spec.width = undefined;
    }
    if (format[i] === '.') {
      i++;
      spec.prec = num() ?? 0;
      if (Math.abs(spec.prec) > 1e6) {
        bad += '%!(BADPREC)';
        spec.prec = undefined;
      }
    }
    out += bad;
    const verb = format[i++];
    if (verb === undefined) {
      out += '%!(NOVERB)';
      break;
    }
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (argi >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    out += pad(formatOne(verb, args[argi++], spec), spec);
  }
  if (argi < args.length) out += `%!(EXTRA ${args.slice(argi).map((a) => `${typeName(a)}=${formatValue(a)}`).join(', ')})`;
  return out;
}

function pad(s: string, spec: Spec): string {
  if (spec.width === undefined || s.length >= spec.width) return s;
  const fill = spec.width - s.length;
  if (spec.minus) return s + ' '.repeat(fill);
  if (spec.zero && /^[+-]?[0-9.]/.test(s)) {
    const sign = /^[+-]/.test(s) ? s[0]! : '';
    return sign + '0'.repeat(fill) + s.slice(sign.length);
  }
  return ' '.repeat(fill) + s;
}

function bad(verb: string, v: unknown): string {
  return `%!${verb}(${typeName(v)}=${formatValue(v)})`;
}

function signed(s: string, n: number, spec: Spec): string {
  if (n >= 0 && !Object.is(n, -0)) return (spec.plus ? '+' : spec.space ? ' ' : '') + s;
  return s;
}

function formatOne(verb: string, v: unknown, spec: Spec): string {
  switch (verb) {
    case 'v':
      if (typeof v === 'number') return signed(String(v), v, spec);
      if (v instanceof GoFloat) return signed(formatFloat(v.value), v.value, spec);
      return formatValue(v);
    case 'T':
      return typeName(v);
    case 't':
      return typeof v === 'boolean' ? String(v) : bad(verb, v);
    case 's':
      if (typeof v === 'string') return spec.prec === undefined ? v : [...v].slice(0, spec.prec).join('');
      if (typeof v === 'number' || v instanceof GoFloat || typeof v === 'boolean') return bad(verb, v);
      return formatValue(v);
    case 'q':
      if (typeof v === 'string') return spec.sharp && !v.includes('`') ? `\`${v}\`` : goQuote(v);
      if (typeof v === 'number' && Number.isInteger(v)) return `'${String.fromCodePoint(v)}'`;
      return bad(verb, v);
    case 'd':
      if (typeof v === 'number' && Number.isInteger(v)) return signed(String(v), v, spec);
      return bad(verb, v);
    case 'b':
    case 'o':
    case 'x':
    case 'X': {
      if (typeof v === 'string' && (verb === 'x' || verb === 'X')) {
        const hex = Buffer.from(v, 'utf8').toString('hex');
        return verb === 'X' ? hex.toUpperCase() : hex;
      }
      if (typeof v !== 'number' || !Number.isInteger(v)) return bad(verb, v);
      const radix = verb === 'b' ? 2 : verb === 'o' ? 8 : 16;
      let s = Math.abs(v).toString(radix);
      if (verb === 'X') s = s.toUpperCase();
      if (spec.sharp) s = (verb === 'o' ? '0' : verb === 'x' ? '0x' : verb === 'X' ? '0X' : '') + s;
      return signed(v < 0 ? `-${s}` : s, v, spec);
    }
    case 'c':
      return typeof v === 'number' && Number.isInteger(v) ? String.fromCodePoint(v) : bad(verb, v);
    case 'U':
      return typeof v === 'number' && Number.isInteger(v) ? `U+${v.toString(16).toUpperCase().padStart(4, '0')}` : bad(verb, v);
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G': {
      if (!(v instanceof GoFloat)) return bad(verb, v);
      return floatVerb(verb, v.value, spec);
    }
    default:
      return `%!${verb}(${typeName(v)}=${formatValue(v)})`;
  }
}

/** %e %f %g (and capitals) of a float64. */
function floatVerb(verb: string, v: number, spec: Spec): string {
  let s: string;
  if (verb === 'f' || verb === 'F') s = v.toFixed(spec.prec ?? 6);
  else if (verb === 'e' || verb === 'E') s = goExponent(v.toExponential(spec.prec ?? 6));
  else s = spec.prec === undefined ? formatFloat(v) : precisionG(v, spec.prec || 1);
  if (verb === 'E' || verb === 'G') s = s.toUpperCase();
  return signed(s, v, spec);
}

/** %.Ng: N significant digits, exponent form when the exponent is < -4 or ≥ N, trailing zeros dropped. */
function precisionG(v: number, digits: number): string {
  if (v === 0 || !Number.isFinite(v)) return formatFloat(v);
  const [mant, exp] = v.toExponential(digits - 1).split('e') as [string, string];
  const e = Number(exp);
  const strip = (x: string) => (x.includes('.') ? x.replace(/\.?0+$/, '') : x);
  if (e < -4 || e >= digits) return goExponent(`${strip(mant)}e${e < 0 ? '-' : '+'}${Math.abs(e)}`);
  return strip(v.toFixed(Math.max(0, digits - 1 - e)));
}
