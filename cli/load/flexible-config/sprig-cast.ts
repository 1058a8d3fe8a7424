/**
 * Sprig's conversions (spf13/cast and sprig's strval): how a string, bool or
 * nil becomes an int64, a float64 or a string when a Sprig function wants one.
 * Failed conversions give 0, as cast's non-E functions do.
 */
import { formatValue, GoFloat } from './values.js';

export function toInt(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v instanceof GoFloat) return Number.isFinite(v.value) ? Math.trunc(v.value) : 0;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const s = v.trim().replace(/_/g, '');
    // strconv.ParseInt(s, 0, 0): base prefixes allowed, a leading 0 is octal.
    if (/^[+-]?0[0-7]+$/.test(s)) return parseInt(s, 8);
    if (/^[+-]?0\d+$/.test(s)) return 0;
    if (/^[+-]?(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|\d+)$/.test(s)) {
      const neg = s.startsWith('-');
      const n = Number(s.replace(/^[+-]/, ''));
      return neg ? -n : n;
    }
    return 0;
  }
  return 0;
}

export function toFloat(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v instanceof GoFloat) return v.value;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const n = Number(v.trim());
    return v.trim() === '' || Number.isNaN(n) ? 0 : n;
  }
  return 0;
}

/** sprig's strval: strings as they are, everything else as fmt's %v. */
export function strval(v: unknown): string {
  return typeof v === 'string' ? v : formatValue(v);
}

/** sprig's list arguments: a slice, or an error naming what was given. */
export function asList(v: unknown, fn: string): unknown[] {
  if (Array.isArray(v)) return v;
  if (v === undefined || v === null) return [];
  throw new Error(`Cannot find ${fn} on type ${typeof v === 'string' ? 'string' : typeof v}`);
}
