/** The refused origin host goes into the 403 body byte for byte as Go's json.Marshal would write it. */
import { describe, expect, it } from 'vitest';
import { goJsonQuote } from '../../../../runtime/auth/widget-gate/go-json-quote.js';

/** The quoted string as the bytes that go on the wire. */
const wire = (headerValue: string) => Buffer.from(goJsonQuote(headerValue), 'latin1');

describe('goJsonQuote (Go json.Marshal of a header value)', () => {
  it.each([
    ['evil.com', '"evil.com"'],
    ['a"b\\c', '"a\\"b\\\\c"'],
    ['<script>&', '"\\u003cscript\\u003e\\u0026"'],
    ['a\tb', '"a\\tb"'],
    ['\u0001\u0008\u000c\u001f', '"\\u0001\\b\\f\\u001f"'],
    ['\u007f', '"\u007f"'],
  ])('%j → %s', (value, want) => {
    expect(wire(value).toString('utf8')).toBe(want);
  });

  it('copies valid UTF-8 through and escapes U+2028 / U+2029', () => {
    const utf8 = (s: string) => Buffer.from(s, 'utf8').toString('latin1');
    expect(wire(utf8('é.com')).toString('utf8')).toBe('"é.com"');
    expect(wire(utf8('😀\u2028\u2029\ufffd')).toString('utf8')).toBe('"😀\\u2028\\u2029\ufffd"');
  });

  it('writes \\ufffd for each byte that is not valid UTF-8', () => {
    expect(wire('\u00e9.com').toString('utf8')).toBe('"\\ufffd.com"'); // lone latin1 é
    expect(wire('\u00e2\u0082x').toString('utf8')).toBe('"\\ufffd\\ufffdx"'); // truncated 3-byte sequence: one per byte
    expect(wire('\u00c0\u0080').toString('utf8')).toBe('"\\ufffd\\ufffd"'); // overlong
    expect(wire('\u00ed\u00a0\u0080').toString('utf8')).toBe('"\\ufffd\\ufffd\\ufffd"'); // surrogate
    expect(wire('\u00f4\u0090\u0080\u0080').toString('utf8')).toBe('"\\ufffd\\ufffd\\ufffd\\ufffd"'); // above U+10FFFF
    expect(wire('\u00ff').toString('utf8')).toBe('"\\ufffd"');
  });

  it('takes a value holding chars above 0xFF as text', () => {
    expect(wire('☃').toString('utf8')).toBe('"☃"');
  });
});
