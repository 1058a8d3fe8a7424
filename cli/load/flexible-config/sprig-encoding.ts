/** Sprig's encodings, hashes, JSON, regular expressions (RE2, as Go's regexp), env and path functions. */
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { RE2JS } from 're2js';
import { FuncError } from './errors.js';
import { fixed, ints, type FuncMap } from './functions.js';
import { goJson } from './go-json.js';
import { strval, toInt } from './sprig-cast.js';
import { parseGoJson } from './values.js';

const s = (v: unknown) => strval(v);
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function b32enc(x: string): string {
  const bytes = Buffer.from(x, 'utf8');
  let bits = 0;
  let acc = 0;
  let out = '';
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += B32[(acc >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += B32[(acc << (5 - bits)) & 31];
  return out.padEnd(Math.ceil(out.length / 8) * 8, '=');
}

function b32dec(x: string): string {
  const clean = x.replace(/=+$/, '');
  let bits = 0;
  let acc = 0;
  const out: number[] = [];
  for (const c of clean) {
    const v = B32.indexOf(c);
    if (v < 0) return `illegal base32 data at input byte ${clean.indexOf(c)}`;
    acc = ((acc << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((acc >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out).toString('utf8');
}

function regexp(pattern: unknown): RE2JS {
  try {
    return RE2JS.compile(s(pattern));
  } catch (e) {
    throw new FuncError((e as Error).message);
  }
}

function findAll(re: RE2JS, x: string, n: number): string[] {
  const m = re.matcher(x);
  const out: string[] = [];
  while ((n < 0 || out.length < n) && m.find()) out.push(m.group() ?? '');
  return out;
}

export const SPRIG_ENCODING: FuncMap = {
  b64enc: fixed(1, ([a]) => Buffer.from(s(a), 'utf8').toString('base64')),
  b64dec: fixed(1, ([a]) => {
    const x = s(a);
    // Go's StdEncoding is strict; sprig returns the error text as the value.
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(x) || x.length % 4 !== 0) return 'illegal base64 data at input byte 0';
    return Buffer.from(x, 'base64').toString('utf8');
  }),
  b32enc: fixed(1, ([a]) => b32enc(s(a))),
  b32dec: fixed(1, ([a]) => b32dec(s(a))),
  sha1sum: fixed(1, ([a]) => createHash('sha1').update(s(a)).digest('hex')),
  sha256sum: fixed(1, ([a]) => createHash('sha256').update(s(a)).digest('hex')),
  sha512sum: fixed(1, ([a]) => createHash('sha512').update(s(a)).digest('hex')),
  adler32sum: fixed(1, ([a]) => {
    let x = 1;
    let y = 0;
    for (const b of Buffer.from(s(a), 'utf8')) {
      x = (x + b) % 65521;
      y = (y + x) % 65521;
    }
    return String(((y << 16) | x) >>> 0);
  }),
  // Sprig swallows Marshal errors into ""; the must* forms fail instead.
  toJson: fixed(1, ([v]) => safe(() => goJson(v))),
  toPrettyJson: fixed(1, ([v]) => safe(() => goJson(v, { indent: '  ' }))),
  toRawJson: fixed(1, ([v]) => safe(() => goJson(v, { raw: true }))),
  mustToJson: fixed(1, ([v]) => goJson(v)),
  fromJson: fixed(1, ([a]) => {
    try {
      return parseGoJson(s(a));
    } catch {
      return {};
    }
  }),
  mustFromJson: fixed(1, ([a]) => {
    try {
      return parseGoJson(s(a));
    } catch (e) {
      throw new FuncError((e as Error).message);
    }
  }),
  regexMatch: fixed(2, ([re, a]) => regexp(re).matcher(s(a)).find()),
  regexFind: fixed(2, ([re, a]) => findAll(regexp(re), s(a), 1)[0] ?? ''),
  regexFindAll: ints(fixed(3, ([re, a, n]) => findAll(regexp(re), s(a), toInt(n))), 2),
  regexReplaceAll: fixed(3, ([re, a, r]) => replaceAll(regexp(re), s(a), (m) => expand(s(r), m))),
  regexReplaceAllLiteral: fixed(3, ([re, a, r]) => replaceAll(regexp(re), s(a), () => s(r))),
  regexSplit: ints(fixed(3, ([re, a, n]) => {
    const parts = regexp(re).split(s(a), -1);
    const k = toInt(n);
    if (k === 0) return [];
    return k < 0 || parts.length <= k ? parts : [...parts.slice(0, k - 1), s(a).slice(parts.slice(0, k - 1).join('').length)];
  }), 2),
  regexQuoteMeta: fixed(1, ([a]) => RE2JS.quote(s(a))),
  env: fixed(1, ([k], ctx) => ctx.env[s(k)] ?? ''),
  expandenv: fixed(1, ([a], ctx) => s(a).replace(/\$\{(\w+)\}|\$(\w+)/g, (_m, b: string, c: string) => ctx.env[b ?? c] ?? '')),
  base: fixed(1, ([a]) => posix.basename(s(a)) || '.'),
  dir: fixed(1, ([a]) => posix.dirname(s(a))),
  ext: fixed(1, ([a]) => posix.extname(s(a))),
  clean: fixed(1, ([a]) => posix.normalize(s(a)).replace(/(.)\/$/, '$1')),
  isAbs: fixed(1, ([a]) => posix.isAbsolute(s(a))),
};

type Match = ReturnType<RE2JS['matcher']>;

/** Go's ReplaceAllString: every non-overlapping match replaced (an empty match right after a match is skipped). */
function replaceAll(re: RE2JS, x: string, replacement: (m: Match) => string): string {
  const m = re.matcher(x);
  let out = '';
  let last = 0;
  let lastMatchEnd = -1;
  while (m.find()) {
    if (m.start() === m.end() && m.start() === lastMatchEnd) continue;
    out += x.slice(last, m.start()) + replacement(m);
    last = m.end();
    lastMatchEnd = m.end();
  }
  return out + x.slice(last);
}

/** Go's Regexp.Expand: `$1`, `${1}`, `$name`, `${name}`, `$$`; an unknown group expands to nothing. */
function expand(template: string, m: Match): string {
  return template.replace(/\$(\$|\{(\w+)\}|(\w+))/g, (_all, whole: string, braced?: string, bare?: string) => {
    if (whole === '$') return '$';
    const name = braced ?? bare!;
    try {
      return (/^\d+$/.test(name) ? m.group(Number(name)) : m.group(name)) ?? '';
    } catch {
      return '';
    }
  });
}

function safe(f: () => string): string {
  try {
    return f();
  } catch {
    return '';
  }
}
