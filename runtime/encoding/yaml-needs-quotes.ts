/**
 * Why this exists: goccy/go-yaml (v1.18, the encoder gin renders YAML with) writes a
 * string plain unless `token.IsNeedQuoted` says otherwise, and then double-quotes it
 * with `strconv.Quote`. The rule is goccy's own, not YAML's: it quotes what looks
 * like a number to goccy's `toNumber` (so `1.5`, `0x1f`, `+7` and `007` but not
 * `1e5` or `08`), the YAML 1.1 booleans and nulls (`yes`, `off`, `~`...), what
 * `time.Parse` reads as a timestamp in one of four layouts (`2024-01-02`,
 * `12:30`...), and strings with a risky first or last character, a `#` or `\`, or
 * `: ` / `- ` inside. It does not quote newlines, tabs or `.inf`.
 */

const RESERVED_WORDS = new Set([
  'null', 'Null', 'NULL', '~',
  'true', 'True', 'TRUE', 'false', 'False', 'FALSE',
  'y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'No', 'NO',
  'on', 'On', 'ON', 'off', 'Off', 'OFF',
]);

const QUOTED_FIRST_CHARS = new Set(['*', '&', '[', '{', '}', ']', ',', '!', '|', '>', '%', "'", '"', '@', ' ', '`']);

/** `token.IsNeedQuoted(value)`. */
export function yamlNeedsQuotes(value: string): boolean {
  if (value === '') return true;
  if (RESERVED_WORDS.has(value)) return true;
  if (looksLikeGoccyNumber(value)) return true;
  if (value === '-') return true;
  if (QUOTED_FIRST_CHARS.has(value.charAt(0))) return true;
  const last = value.charAt(value.length - 1);
  if (last === ':' || last === ' ') return true;
  if (looksLikeGoTimestamp(value)) return true;
  for (let i = 0; i < value.length; i++) {
    const c = value.charAt(i);
    if (c === '#' || c === '\\') return true;
    if ((c === ':' || c === '-') && value.charAt(i + 1) === ' ') return true;
  }
  return false;
}

const DECIMAL_FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const DIGITS_BY_BASE: Record<number, RegExp> = { 2: /^[01]+$/, 8: /^[0-7]+$/, 10: /^\d+$/, 16: /^[0-9a-fA-F]+$/ };

/**
 * goccy's `isNumber`: `toNumber` succeeds or fails only by overflow. Sign and
 * underscores are stripped first; `0x`, `0o`, `0b` and a leading `0` pick the base;
 * one dot makes it a float for `strconv.ParseFloat`.
 */
function looksLikeGoccyNumber(value: string): boolean {
  if (value.startsWith('_')) return false;
  const dots = value.split('.').length - 1;
  if (dots > 1) return false;
  const negative = value.startsWith('-');
  let digits = value;
  if (digits.startsWith('+')) digits = digits.slice(1);
  if (digits.startsWith('-')) digits = digits.slice(1);
  digits = digits.replaceAll('_', '');
  let base = 10;
  if (digits.startsWith('0x')) {
    digits = digits.slice(2);
    base = 16;
  } else if (digits.startsWith('0o')) {
    digits = digits.slice(2);
    base = 8;
  } else if (digits.startsWith('0b')) {
    digits = digits.slice(2);
    base = 2;
  } else if (digits.startsWith('0') && digits.length > 1 && dots === 0) {
    base = 8;
  } else if (dots === 1) {
    return DECIMAL_FLOAT.test(negative ? `-${digits}` : digits);
  }
  return DIGITS_BY_BASE[base]?.test(digits) ?? false;
}

/**
 * `time.Parse` succeeding with one of goccy's layouts: RFC3339Nano (with `T` or
 * `t`), `2006-01-02 15:04:05`, `2006-01-02` or `15:4`.
 */
function looksLikeGoTimestamp(value: string): boolean {
  return (
    rfc3339Nano(value, 'T') || rfc3339Nano(value, 't') || dateTime(value) || dateOnly(value) || hourMinute(value)
  );
}

interface ParsedDate {
  next: number;
  valid: boolean;
}

function rfc3339Nano(v: string, separator: string): boolean {
  const date = datePart(v);
  if (date === null || v.charAt(date.next) !== separator) return false;
  let i = clock(v, date.next + 1);
  if (i < 0) return false;
  i = fraction(v, i);
  i = zone(v, i);
  return i === v.length && date.valid;
}

function dateTime(v: string): boolean {
  const date = datePart(v);
  if (date === null || v.charAt(date.next) !== ' ') return false;
  let i = date.next;
  while (v.charAt(i) === ' ') i++;
  i = clock(v, i);
  if (i < 0) return false;
  return fraction(v, i) === v.length && date.valid;
}

function dateOnly(v: string): boolean {
  const date = datePart(v);
  return date !== null && date.next === v.length && date.valid;
}

function hourMinute(v: string): boolean {
  const afterHour = shortNumber(v, 0, 24);
  if (afterHour < 0 || v.charAt(afterHour) !== ':') return false;
  return shortNumber(v, afterHour + 1, 60) === v.length;
}

/** `2006-01-02`: four-digit year, then month 01..12 and a two-digit day checked against the month. */
function datePart(v: string): ParsedDate | null {
  if (!/^\d{4}-\d{2}-\d{2}/.test(v)) return null;
  const year = Number(v.slice(0, 4));
  const month = Number(v.slice(5, 7));
  const day = Number(v.slice(8, 10));
  if (month < 1 || month > 12) return null;
  return { next: 10, valid: day >= 1 && day <= daysIn(month, year) };
}

/** `15:04:05`: a one- or two-digit hour, two-digit minutes and seconds. */
function clock(v: string, start: number): number {
  const afterHour = shortNumber(v, start, 24);
  if (afterHour < 0 || v.charAt(afterHour) !== ':') return -1;
  const afterMinute = twoDigits(v, afterHour + 1, 60);
  if (afterMinute < 0 || v.charAt(afterMinute) !== ':') return -1;
  return twoDigits(v, afterMinute + 1, 60);
}

/** Optional `.123` or `,123` (any number of digits). */
function fraction(v: string, i: number): number {
  if ((v.charAt(i) !== '.' && v.charAt(i) !== ',') || !isDigit(v, i + 1)) return i;
  let j = i + 1;
  while (isDigit(v, j)) j++;
  return j;
}

/** `Z07:00`: `Z`, or `+hh:mm` / `-hh:mm` with hh <= 24 and mm <= 60; -1 if neither. */
function zone(v: string, i: number): number {
  if (i < 0) return -1;
  if (v.charAt(i) === 'Z') return i + 1;
  if (v.length - i < 6 || v.charAt(i + 3) !== ':') return -1;
  const sign = v.charAt(i);
  if (sign !== '+' && sign !== '-') return -1;
  if (!isDigit(v, i + 1) || !isDigit(v, i + 2) || !isDigit(v, i + 4) || !isDigit(v, i + 5)) return -1;
  if (Number(v.slice(i + 1, i + 3)) > 24 || Number(v.slice(i + 4, i + 6)) > 60) return -1;
  return i + 6;
}

/** Go's `getnum(s, false)`: one or two digits below `limit`; -1 if none or out of range. */
function shortNumber(v: string, i: number, limit: number): number {
  if (!isDigit(v, i)) return -1;
  const end = isDigit(v, i + 1) ? i + 2 : i + 1;
  return Number(v.slice(i, end)) < limit ? end : -1;
}

/** Go's `getnum(s, true)`: exactly two digits below `limit`. */
function twoDigits(v: string, i: number, limit: number): number {
  if (!isDigit(v, i) || !isDigit(v, i + 1)) return -1;
  return Number(v.slice(i, i + 2)) < limit ? i + 2 : -1;
}

function isDigit(v: string, i: number): boolean {
  const c = v.charCodeAt(i);
  return c >= 0x30 && c <= 0x39;
}

function daysIn(month: number, year: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
