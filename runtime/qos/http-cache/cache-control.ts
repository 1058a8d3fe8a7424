/**
 * Why: every caching decision starts from `Cache-Control` directives, whose
 * syntax (RFC 9111 §5.2: comma-separated, case-insensitive names, token or
 * quoted-string arguments that may themselves hold commas, several header
 * lines combined) is easy to get subtly wrong when split by hand.
 */
import { headerValues } from './header-lines.js';

/** Directive name (lower case) → its argument, or `true` when it has none. The first occurrence wins. */
export type Directives = ReadonlyMap<string, string | true>;

export function cacheControlOf(headers: readonly string[]): Directives {
  return parseCacheControl(headerValues(headers, 'cache-control'));
}

export function parseCacheControl(lines: readonly string[]): Directives {
  const out = new Map<string, string | true>();
  for (const line of lines) parseLine(line, out);
  return out;
}

function parseLine(s: string, out: Map<string, string | true>): void {
  let i = 0;
  while (i < s.length) {
    while (i < s.length && (s[i] === ',' || s[i] === ' ' || s[i] === '\t')) i++;
    const nameStart = i;
    while (i < s.length && s[i] !== '=' && s[i] !== ',') i++;
    const name = s.slice(nameStart, i).trim().toLowerCase();
    let value: string | true = true;
    if (s[i] === '=') {
      i++;
      while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
      if (s[i] === '"') {
        i++;
        let v = '';
        while (i < s.length && s[i] !== '"') {
          if (s[i] === '\\' && i + 1 < s.length) i++;
          v += s[i];
          i++;
        }
        i++; // the closing quote
        value = v;
        while (i < s.length && s[i] !== ',') i++;
      } else {
        const start = i;
        while (i < s.length && s[i] !== ',') i++;
        value = s.slice(start, i).trim();
      }
    }
    if (name !== '' && !out.has(name)) out.set(name, value);
  }
}

/**
 * A delta-seconds argument (`max-age=60`) in milliseconds; a missing or
 * malformed one is 0 (treated as stale, RFC 9111 §4.2.1), and values past
 * 2^31 are capped there (§1.2.2).
 */
export function deltaSecondsMs(value: string | true | undefined): number {
  if (typeof value !== 'string' || !/^\d+$/.test(value)) return 0;
  return Math.min(Number(value), 2147483648) * 1000;
}

/** The field names of a qualified `private="…"` / `no-cache="…"`, lower case; empty when unqualified. */
export function fieldNamesOf(value: string | true | undefined): string[] {
  if (typeof value !== 'string') return [];
  return value
    .split(',')
    .map((n) => n.trim().toLowerCase())
    .filter((n) => n !== '');
}
