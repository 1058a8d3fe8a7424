/**
 * go-logging's format patterns, which `telemetry/logging` `custom_format`
 * uses: `%{verb}` or `%{verb:fmt}` with the verbs `time` (a Go time layout,
 * default `2006-01-02T15:04:05.999Z07:00`), `level`, `message`, `module`,
 * `pid`, `program`, `id` (a line counter) and `color` (dropped: lines are not
 * for a terminal). The caller verbs (`shortfile`, `longfunc`, …) have no
 * meaning in a bundle and print `?`. `fmt` is printf's `%-8s` / `%.4s` part.
 * The pattern is compiled once; a line is a join of small pieces.
 */
import { basename } from 'node:path';
import type { AccessFields, LogLevel } from './logger.js';

export interface LogRecord {
  level: LogLevel;
  message: string;
  time: Date;
  fields?: AccessFields;
}

type Piece = (r: LogRecord) => string;

const VERB = /%\{([a-z]+)(?::([^}]*))?\}/g;
const DEFAULT_TIME_LAYOUT = '2006-01-02T15:04:05.999Z07:00';
const CALLER_VERBS = new Set(['shortfile', 'longfile', 'shortfunc', 'longfunc', 'callpath', 'shortpkg', 'longpkg']);

export function compileLogPattern(pattern: string, module: string): (r: LogRecord) => string {
  const pieces: Piece[] = [];
  let last = 0;
  let id = 0;
  for (const m of pattern.matchAll(VERB)) {
    const text = pattern.slice(last, m.index);
    if (text) pieces.push(() => text);
    last = m.index + m[0].length;
    const verb = m[1]!;
    const pad = printfPad(m[2]);
    if (verb === 'time') {
      const time = goTimeFormat(m[2] ?? DEFAULT_TIME_LAYOUT);
      pieces.push((r) => time(r.time));
    } else if (verb === 'level') pieces.push((r) => pad(r.level));
    else if (verb === 'message') pieces.push((r) => pad(r.message));
    else if (verb === 'module') pieces.push(() => pad(module));
    else if (verb === 'pid') pieces.push(() => pad(String(process.pid)));
    else if (verb === 'program') pieces.push(() => pad(basename(process.argv[1] ?? 'gateway')));
    else if (verb === 'id') pieces.push(() => pad(String(++id)));
    else if (CALLER_VERBS.has(verb)) pieces.push(() => pad('?'));
    else if (verb !== 'color') {
      const literal = m[0];
      pieces.push(() => literal);
    }
  }
  const tail = pattern.slice(last);
  if (tail) pieces.push(() => tail);
  return (r) => {
    let out = '';
    for (const p of pieces) out += p(r);
    return out;
  };
}

/** printf's width and precision for %s: `-8s` pads right, `8s` left, `.4s` truncates. */
function printfPad(spec: string | undefined): (s: string) => string {
  const m = spec === undefined ? null : /^(-)?(\d+)?(?:\.(\d+))?[sdvq]$/.exec(spec);
  if (!m) return (s) => s;
  const left = m[1] === '-';
  const width = m[2] === undefined ? 0 : Number(m[2]);
  const precision = m[3] === undefined ? undefined : Number(m[3]);
  return (s) => {
    const cut = precision === undefined ? s : s.slice(0, precision);
    return left ? cut.padEnd(width) : cut.padStart(width);
  };
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const p2 = (n: number) => String(n).padStart(2, '0');

/** Go's reference-time layout (`2006-01-02 15:04:05.000 -0700 MST`) as a local-time formatter. */
export function goTimeFormat(layout: string): (d: Date) => string {
  const pieces: Array<(d: Date) => string> = [];
  let i = 0;
  let text = '';
  const flush = () => {
    if (!text) return;
    const t = text;
    pieces.push(() => t);
    text = '';
  };
  const take = (token: string, f: (d: Date) => string) => {
    flush();
    pieces.push(f);
    i += token.length;
  };
  while (i < layout.length) {
    const rest = layout.slice(i);
    const frac = /^[.,](0+|9+)(?![0-9])/.exec(rest);
    if (rest.startsWith('January')) take('January', (d) => MONTHS[d.getMonth()]!);
    else if (rest.startsWith('Jan')) take('Jan', (d) => MONTHS[d.getMonth()]!.slice(0, 3));
    else if (rest.startsWith('Monday')) take('Monday', (d) => DAYS[d.getDay()]!);
    else if (rest.startsWith('Mon')) take('Mon', (d) => DAYS[d.getDay()]!.slice(0, 3));
    else if (rest.startsWith('MST')) take('MST', (d) => zone(d, '', true));
    else if (rest.startsWith('2006')) take('2006', (d) => String(d.getFullYear()));
    else if (rest.startsWith('01')) take('01', (d) => p2(d.getMonth() + 1));
    else if (rest.startsWith('02')) take('02', (d) => p2(d.getDate()));
    else if (rest.startsWith('_2')) take('_2', (d) => String(d.getDate()).padStart(2, ' '));
    else if (rest.startsWith('15')) take('15', (d) => p2(d.getHours()));
    else if (rest.startsWith('03')) take('03', (d) => p2(d.getHours() % 12 || 12));
    else if (rest.startsWith('04')) take('04', (d) => p2(d.getMinutes()));
    else if (rest.startsWith('05')) take('05', (d) => p2(d.getSeconds()));
    else if (rest.startsWith('06')) take('06', (d) => p2(d.getFullYear() % 100));
    else if (rest.startsWith('PM')) take('PM', (d) => (d.getHours() >= 12 ? 'PM' : 'AM'));
    else if (rest.startsWith('pm')) take('pm', (d) => (d.getHours() >= 12 ? 'pm' : 'am'));
    else if (rest.startsWith('Z07:00')) take('Z07:00', (d) => zone(d, ':', false, true));
    else if (rest.startsWith('-07:00')) take('-07:00', (d) => zone(d, ':', false));
    else if (rest.startsWith('Z0700')) take('Z0700', (d) => zone(d, '', false, true));
    else if (rest.startsWith('-0700')) take('-0700', (d) => zone(d, '', false));
    else if (frac) {
      const digits = frac[1]!;
      take(frac[0], (d) => {
        const ms = String(d.getMilliseconds()).padStart(3, '0').padEnd(digits.length, '0').slice(0, digits.length);
        if (digits[0] === '0') return frac[0][0] + ms;
        const trimmed = ms.replace(/0+$/, ''); // 9s: trailing zeros dropped, and the dot with them
        return trimmed ? frac[0][0] + trimmed : '';
      });
    } else if (rest[0] === '1') take('1', (d) => String(d.getMonth() + 1));
    else if (rest[0] === '2') take('2', (d) => String(d.getDate()));
    else if (rest[0] === '3') take('3', (d) => String(d.getHours() % 12 || 12));
    else if (rest[0] === '4') take('4', (d) => String(d.getMinutes()));
    else if (rest[0] === '5') take('5', (d) => String(d.getSeconds()));
    else {
      text += rest[0];
      i++;
    }
  }
  flush();
  return (d) => {
    let out = '';
    for (const p of pieces) out += p(d);
    return out;
  };
}

/** The local offset as Go prints it: `-07:00`/`-0700`, `Z` for UTC with the Z forms, `MST` as a numeric name. */
function zone(d: Date, sep: string, name: boolean, zForUtc = false): string {
  const offset = -d.getTimezoneOffset();
  if (name) return offset === 0 ? 'UTC' : `${offset < 0 ? '-' : '+'}${p2(Math.floor(Math.abs(offset) / 60))}${p2(Math.abs(offset) % 60)}`;
  if (offset === 0 && zForUtc) return 'Z';
  return `${offset < 0 ? '-' : '+'}${p2(Math.floor(Math.abs(offset) / 60))}${sep}${p2(Math.abs(offset) % 60)}`;
}
