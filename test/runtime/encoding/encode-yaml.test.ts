import { describe, expect, it } from 'vitest';
import { JsonNumber } from '../../../runtime/shared/json/json-number.js';
import { encodeYaml } from '../../../runtime/encoding/encode-yaml.js';

/** One key, to look at how a single string value is written. */
function valueOf(s: string): string {
  const out = encodeYaml({ k: s });
  expect(out.startsWith('k: ')).toBe(true);
  return out.slice(3, -1);
}

describe('encodeYaml (goccy/go-yaml Marshal of a Go map)', () => {
  it('writes sorted keys, scalars and a trailing newline', () => {
    expect(encodeYaml({ e: '', d: 'plain', c: false, b: true, a: null })).toBe(
      'a: null\nb: true\nc: false\nd: plain\ne: ""\n',
    );
  });

  it('indents nested maps by two spaces', () => {
    expect(encodeYaml({ user: { '-type': 'admin', social: { x: 'https://x.com' } } })).toBe(
      'user:\n  -type: admin\n  social:\n    x: https://x.com\n',
    );
  });

  it('writes empty collections in flow style', () => {
    expect(encodeYaml({ a: {}, b: [] })).toBe('a: {}\nb: []\n');
    expect(encodeYaml({})).toBe('{}\n');
    expect(encodeYaml([])).toBe('[]\n');
  });

  it('does not indent a list under its key', () => {
    expect(encodeYaml({ k: ['a', 'b'] })).toBe('k:\n- a\n- b\n');
    expect(encodeYaml({ o: { k: ['a', 'b'] } })).toBe('o:\n  k:\n  - a\n  - b\n');
  });

  it('starts a map in a list on the dash line and aligns its other keys', () => {
    expect(encodeYaml({ items: [{ a: 'x', b: 'z' }, { c: null }] })).toBe('items:\n- a: x\n  b: z\n- c: null\n');
    expect(encodeYaml([{ a: { x: 'v' } }])).toBe('- a:\n    x: v\n');
    expect(encodeYaml({ a: { b: [{ c: { d: 'e' } }] } })).toBe('a:\n  b:\n  - c:\n      d: e\n');
  });

  it('nests lists in lists', () => {
    expect(encodeYaml({ l: [['a', 'b'], []] })).toBe('l:\n- - a\n  - b\n- []\n');
  });

  it('writes a multi-line string as a literal block, with goccy chomping headers', () => {
    expect(encodeYaml({ k: 'a\nb' })).toBe('k: |-\n  a\n  b\n');
    expect(encodeYaml({ k: 'a\n' })).toBe('k: |\n  a\n');
    expect(encodeYaml({ k: 'a\n\n' })).toBe('k: |+\n  a\n\n');
    expect(encodeYaml({ o: { k: 'a\nb' } })).toBe('o:\n  k: |-\n    a\n    b\n');
    expect(encodeYaml(['a\nb', 'c'])).toBe('- |-\n  a\n  b\n- c\n');
    expect(encodeYaml({ k: 'a\r\nb' })).toBe('k: |-\r\n  a\r\n  b\n');
    expect(encodeYaml({ k: 'a: b\nc' })).toBe('k: "a: b\\nc"\n');
  });

  it('writes a plain JS number and a JsonNumber as Go json.Number: a string goccy quotes', () => {
    expect(encodeYaml({ i: 42, f: 1.5, j: new JsonNumber('1.50'), e: 1e21 })).toBe(
      'e: 1e+21\nf: "1.5"\ni: "42"\nj: "1.50"\n',
    );
  });

  it('writes float64 (config) numbers as goccy encodeFloat does', () => {
    expect(encodeYaml({ a: 42, b: 1.5, c: 1e6, d: -0, e: 1e21, f: 0.00001, g: new JsonNumber('7') }, { plainNumbers: 'float64' })).toBe(
      'a: 42.0\nb: 1.5\nc: 1e+06\nd: -0.0\ne: 1e+21\nf: 1e-05\ng: "7"\n',
    );
  });

  it('quotes keys with the same rule as values and sorts them in Go byte order', () => {
    expect(encodeYaml({ 'a b': 'w', '1': 'x', '': 'z', n: 'y' })).toBe('"": z\n"1": x\na b: w\n"n": "y"\n');
    expect(encodeYaml({ '😀': 'p', 'ｚ': 'q', a: 'r' })).toBe('a: r\nｚ: q\n😀: p\n');
  });

  it('encodes top-level scalars and lists too', () => {
    expect(encodeYaml('x')).toBe('x\n');
    expect(encodeYaml(null)).toBe('null\n');
    expect(encodeYaml(['a', true])).toBe('- a\n- true\n');
  });

  describe('quoting (goccy token.IsNeedQuoted)', () => {
    const quoted = [
      'true', 'False', 'yes', 'No', 'on', 'OFF', 'y', 'N', 'null', 'NULL', '~',
      '42', '-7', '+7', '1.5', '.5', '5.', '1.5e3', '0x1F', '0o17', '0b101', '007', '0', '1_000',
      '1.0e999', '99999999999999999999',
      '-', '- x', 'a - b', 'a: b', 'x:', 'x ', ' x', 'a#b', '#x', 'https://x.io/#top',
      '[a', '{a', ']a', '}a', '*a', '&a', '!a', '|a', '>a', '%a', "'a", '"a', '@a', '`a', ',a',
      '2024-01-02', '2024-02-29', '12:30', '7:5', '2006-01-02T15:04:05Z', '2006-01-02t15:04:05.5+02:00',
      '2006-01-02 15:04:05', '2006-01-02  15:04:05,123',
    ];
    const plain = [
      'abc', '-type', 'a-b', 'a:b', 'http://x.io/a?b=c', '?a', '=a', '1e5', '08', '0x', '1.2.3', '_1',
      '.inf', 'NaN', 'Infinity', '2023-02-29', '2024-13-01', '24:00', '12:60', '1:2:3',
      '2006-01-02T15:04:05', '2006-01-02T15:04:05+25:00', 'a\tb', 'é😀',
    ];
    for (const s of quoted) {
      it(`quotes ${JSON.stringify(s)}`, () => {
        expect(valueOf(s).startsWith('"')).toBe(true);
      });
    }
    for (const s of plain) {
      it(`leaves ${JSON.stringify(s)} plain`, () => {
        expect(valueOf(s)).toBe(s);
      });
    }
  });

  it('quotes with strconv.Quote escapes', () => {
    expect(valueOf('#\u00a0é\u0001\t"\\\u007f\u2028\uE000😀')).toBe('"#\\u00a0é\\x01\\t\\"\\\\\\x7f\\u2028\\ue000😀"');
    expect(valueOf('a\\b')).toBe('"a\\\\b"');
  });

  it('replaces a lone surrogate with U+FFFD', () => {
    expect(valueOf('a\uD800')).toBe('a\uFFFD');
  });
});
