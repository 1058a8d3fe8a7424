/**
 * Go's strings.TrimSpace over a header value as Node hands it over: one
 * character per byte (latin1). Go trims Unicode white space, so besides the
 * ASCII set it also strips the UTF-8 byte sequences of U+0085, U+00A0, U+1680,
 * U+2000–U+200A, U+2028, U+2029, U+202F, U+205F and U+3000; String.trim()
 * would instead strip the lone bytes 0xA0 / 0x85, which Go keeps.
 */

/** The UTF-8 encodings (as latin1 strings) of the non-ASCII white-space runes. */
const UNICODE_SPACES: readonly string[] = [0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000].map(
  (cp) => Buffer.from(String.fromCodePoint(cp), 'utf8').toString('latin1'),
);

function isAsciiSpace(code: number): boolean {
  return code === 0x20 || (code >= 0x09 && code <= 0x0d);
}

/** Length of the white-space rune starting at `at`, or 0. */
function spaceAt(s: string, at: number): number {
  const code = s.charCodeAt(at);
  if (isAsciiSpace(code)) return 1;
  if (code < 0xc2) return 0;
  for (const seq of UNICODE_SPACES) if (s.startsWith(seq, at)) return seq.length;
  return 0;
}

/** Length of the white-space rune ending just before `end`, or 0. */
function spaceBefore(s: string, end: number): number {
  const code = s.charCodeAt(end - 1);
  if (isAsciiSpace(code)) return 1;
  if (code < 0x80) return 0;
  for (const seq of UNICODE_SPACES) if (end >= seq.length && s.startsWith(seq, end - seq.length)) return seq.length;
  return 0;
}

export function goTrimSpace(s: string): string {
  let start = 0;
  let end = s.length;
  for (let n; start < end && (n = spaceAt(s, start)) > 0; ) start += n;
  for (let n; end > start && (n = spaceBefore(s, end)) > 0; ) end -= n;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}
