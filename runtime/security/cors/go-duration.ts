/**
 * Go's `time.ParseDuration`, in seconds: an optional sign, then one or more
 * `<number><unit>` terms (`12h`, `1m30s`, `1.5s`, `.5h`, `300ms`), units
 * `ns us µs μs ms s m h`; `"0"` alone is zero. Anything else — a bare number,
 * an unknown unit, an empty string — is `undefined` (Go's error).
 */
const UNIT_SECONDS: ReadonlyMap<string, number> = new Map([
  ['ns', 1e-9],
  ['us', 1e-6],
  ['\u00b5s', 1e-6],
  ['\u03bcs', 1e-6],
  ['ms', 1e-3],
  ['s', 1],
  ['m', 60],
  ['h', 3600],
]);

const MAX_SECONDS = 9_223_372_036.854775807; // Go's Duration is int64 nanoseconds

export function parseGoDurationSeconds(input: string): number | undefined {
  let s = input;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') return undefined;
  let total = 0;
  while (s !== '') {
    const m = /^(\d*)(?:\.(\d*))?/.exec(s)!;
    const whole = m[1] ?? '';
    const frac = m[2];
    if (whole === '' && (frac === undefined || frac === '')) return undefined; // no digits at all
    s = s.slice(m[0].length);
    const u = /^[^\d.]+/.exec(s);
    if (!u) return undefined; // missing unit
    const unit = UNIT_SECONDS.get(u[0]);
    if (unit === undefined) return undefined; // unknown unit
    s = s.slice(u[0].length);
    total += Number(`${whole === '' ? '0' : whole}.${frac ?? ''}0`) * unit;
    if (total > MAX_SECONDS) return undefined; // Go: invalid duration (overflow)
  }
  return sign * total;
}
