/**
 * A header value as a JSON string literal, byte for byte as Go's json.Marshal
 * writes the string gin sends: `"`, `\` and control bytes escaped (\b \f \n \r
 * \t, else \u00XX), `<` `>` `&` U+2028 U+2029 escaped, each byte that is not
 * part of valid UTF-8 written as \ufffd, valid UTF-8 copied through. Node
 * hands header values over one char per byte (latin1), and the result is in
 * that same form: write it with Buffer.from(s, 'latin1').
 */

import { CONTROL_ESCAPES } from '../../shared/json/encode-json.js';

/** Go's escape of an ASCII byte, the control bytes' from the floor's JSON encoder; undefined when it is written as is. */
function asciiEscape(code: number): string | undefined {
  if (code < 0x20) return CONTROL_ESCAPES[code];
  switch (code) {
    case 0x22:
      return '\\"';
    case 0x5c:
      return '\\\\';
    case 0x3c:
      return '\\u003c';
    case 0x3e:
      return '\\u003e';
    case 0x26:
      return '\\u0026';
  }
  return undefined;
}

/** Length of the valid UTF-8 sequence starting at `i` (utf8.DecodeRune's accept ranges), or 0. */
function utf8SequenceLength(s: string, i: number): number {
  const b0 = s.charCodeAt(i);
  const cont = (at: number, lo = 0x80, hi = 0xbf) => {
    const b = s.charCodeAt(at);
    return b >= lo && b <= hi; // NaN past the end compares false
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(i + 1) ? 2 : 0;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const lo = b0 === 0xe0 ? 0xa0 : 0x80;
    const hi = b0 === 0xed ? 0x9f : 0xbf;
    return cont(i + 1, lo, hi) && cont(i + 2) ? 3 : 0;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const lo = b0 === 0xf0 ? 0x90 : 0x80;
    const hi = b0 === 0xf4 ? 0x8f : 0xbf;
    return cont(i + 1, lo, hi) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  }
  return 0;
}

export function goJsonQuote(headerValue: string): string {
  // A value an earlier stage set as text (chars above 0xFF) goes to its UTF-8 bytes first.
  const s = /[^\x00-\xff]/.test(headerValue) ? Buffer.from(headerValue, 'utf8').toString('latin1') : headerValue;
  let out = '"';
  let pending = 0;
  for (let i = 0; i < s.length; ) {
    const code = s.charCodeAt(i);
    let escaped: string | undefined;
    let width = 1;
    if (code < 0x80) {
      escaped = asciiEscape(code);
    } else {
      width = utf8SequenceLength(s, i);
      if (width === 0) {
        escaped = '\\ufffd';
        width = 1;
      } else if (width === 3 && code === 0xe2 && s.charCodeAt(i + 1) === 0x80 && (s.charCodeAt(i + 2) === 0xa8 || s.charCodeAt(i + 2) === 0xa9)) {
        escaped = s.charCodeAt(i + 2) === 0xa8 ? '\\u2028' : '\\u2029';
      }
    }
    if (escaped !== undefined) {
      out += s.slice(pending, i) + escaped;
      pending = i + width;
    }
    i += width;
  }
  return out + s.slice(pending) + '"';
}
