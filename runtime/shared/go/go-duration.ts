/**
 * Go's `time.ParseDuration`, the one copy: what KrakenD's config loader applies
 * to every duration field and what runtime modules use for durations they read
 * (CORS max_age, rate-limit `every`, drain delays). A signed sequence of decimal
 * numbers with units (`1h30m`, `1.5s`, `-250ms`, `.5h`), units `ns us µs μs ms s
 * m h`; `0` alone needs no unit. Anything else is Go's error, with Go's text.
 */
const UNIT_NS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  'µs': 1e3, // U+00B5 micro sign
  'μs': 1e3, // U+03BC Greek mu
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

const MAX_NS = 9223372036854775807; // int64 nanoseconds, ~292 years

export type DurationResult = { ok: true; ms: number } | { ok: false; error: string };

export function parseGoDuration(input: string): DurationResult {
  let s = input;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  if (s === '0') return { ok: true, ms: 0 };
  if (s === '') return { ok: false, error: `time: invalid duration "${input}"` };
  let totalNs = 0;
  while (s.length > 0) {
    const num = /^(\d*)(?:\.(\d*))?/.exec(s);
    const whole = num?.[1] ?? '';
    const frac = num?.[2];
    if (!num || (whole === '' && (frac === undefined || frac === ''))) return { ok: false, error: `time: invalid duration "${input}"` };
    s = s.slice(num[0].length);
    const unit = /^[^\d.]+/.exec(s)?.[0];
    if (!unit) return { ok: false, error: `time: missing unit in duration "${input}"` };
    const factor = UNIT_NS[unit];
    if (factor === undefined) return { ok: false, error: `time: unknown unit "${unit}" in duration "${input}"` };
    s = s.slice(unit.length);
    totalNs += Number(`${whole || '0'}.${frac || '0'}`) * factor;
    if (totalNs > MAX_NS) return { ok: false, error: `time: invalid duration "${input}"` };
  }
  return { ok: true, ms: (sign * totalNs) / 1e6 };
}


/** The same, in seconds, or undefined where Go returns an error. */
export function parseGoDurationSeconds(input: string): number | undefined {
  const d = parseGoDuration(input);
  return d.ok ? d.ms / 1000 : undefined;
}

/** A Go duration in milliseconds for a settings parser: `fallback` for a value that is not one (the schema reports it) or is negative. */
export function goDurationMs(value: unknown, fallback: number): number {
  if (typeof value !== 'string' || value === '') return fallback;
  const d = parseGoDuration(value);
  return d.ok && d.ms >= 0 ? d.ms : fallback;
}
