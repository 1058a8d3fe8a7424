import { describe, expect, it } from 'vitest';
import { JsonNumber, type JsonValue } from '../../../runtime/shared/json/json-number.js';
import { encodeJson, goFloatString } from '../../../runtime/shared/json/encode-json.js';
import { compareUtf8 } from '../../../runtime/shared/json/utf8-order.js';

describe('encodeJson', () => {
  it('writes no whitespace and no trailing newline', () => {
    expect(encodeJson({ a: [1, 'x', null, true, false, {}, []], b: { c: 'd' } })).toBe(
      '{"a":[1,"x",null,true,false,{},[]],"b":{"c":"d"}}',
    );
    expect(encodeJson([])).toBe('[]');
    expect(encodeJson({})).toBe('{}');
    expect(encodeJson('s')).toBe('"s"');
  });

  it('sorts keys by byte order, not by insertion or numeric-key order', () => {
    expect(encodeJson({ b: 1, a: 2, '10': 3, '9': 4, B: 5, '': 6, ab: 7 })).toBe('{"":6,"10":3,"9":4,"B":5,"a":2,"ab":7,"b":1}');
  });

  it('puts astral keys after U+E000..U+FFFF keys, as UTF-8 byte order does', () => {
    const astral = '\u{1f600}'; // UTF-16 d83d de00, UTF-8 f0 9f 98 80
    const privateUse = '\ue000'; // UTF-8 ee 80 80
    const lastBmp = '\uffee';
    const value = { [astral]: 1, [privateUse]: 2, [lastBmp]: 3, '\u00e9': 4, z: 5 };
    expect(encodeJson(value)).toBe(`{"z":5,"\u00e9":4,"${privateUse}":2,"${lastBmp}":3,"${astral}":1}`);
    expect(compareUtf8(astral, privateUse)).toBeGreaterThan(0);
    expect(compareUtf8('a' + astral, 'a' + lastBmp)).toBeGreaterThan(0);
    expect(compareUtf8('\ud7ff', privateUse)).toBeLessThan(0);
    expect(compareUtf8('\u{10000}', '\u{10ffff}')).toBeLessThan(0);
    expect(compareUtf8('ab', 'a')).toBeGreaterThan(0);
    expect(compareUtf8('a', 'a')).toBe(0);
  });

  it('escapes <, > and & as Go does by default', () => {
    expect(encodeJson({ '<k>': '<script>&</script>' })).toBe('{"\\u003ck\\u003e":"\\u003cscript\\u003e\\u0026\\u003c/script\\u003e"}');
  });

  it('escapes U+2028 and U+2029 and writes other non-ASCII raw', () => {
    expect(encodeJson('a\u2028b\u2029c é €\u{1f600}\ufffd\u007f')).toBe('"a\\u2028b\\u2029c é €\u{1f600}\ufffd\u007f"');
  });

  it('escapes quotes, backslashes and control characters in Go 1.22+ style', () => {
    expect(encodeJson('"\\/')).toBe('"\\"\\\\/"');
    expect(encodeJson('\b\f\n\r\t')).toBe('"\\b\\f\\n\\r\\t"');
    expect(encodeJson('\u0000\u0001\u000b\u001f')).toBe('"\\u0000\\u0001\\u000b\\u001f"');
    expect(encodeJson('x\u001ay')).toBe('"x\\u001ay"');
  });

  it('writes lone surrogates as \\ufffd', () => {
    expect(encodeJson('a\ud800b')).toBe('"a\\ufffdb"');
    expect(encodeJson('\udc00')).toBe('"\\ufffd"');
    expect(encodeJson('\ud83d')).toBe('"\\ufffd"');
    expect(encodeJson('\ude00\ud83d')).toBe('"\\ufffd\\ufffd"');
  });

  it('writes JsonNumber text verbatim and checks it as Go does', () => {
    expect(encodeJson([new JsonNumber('1.50'), new JsonNumber('9007199254740993'), new JsonNumber('-0')])).toBe('[1.50,9007199254740993,-0]');
    expect(encodeJson(new JsonNumber(''))).toBe('0');
    expect(() => encodeJson(new JsonNumber('1.'))).toThrow('json: invalid number literal "1."');
  });

  it('refuses values outside the model', () => {
    expect(() => encodeJson([1, undefined] as unknown as JsonValue)).toThrow('json: unsupported type: undefined');
    expect(() => encodeJson({ f: (() => 1) as unknown as JsonValue })).toThrow('json: unsupported type: function');
    expect(() => encodeJson(Number.NaN)).toThrow('json: unsupported value: NaN');
  });

  it('keeps __proto__ as an ordinary key', () => {
    const value: Record<string, JsonValue> = {};
    Object.defineProperty(value, '__proto__', { value: { x: 1 }, enumerable: true, writable: true, configurable: true });
    value['a'] = 1;
    expect(encodeJson(value)).toBe('{"__proto__":{"x":1},"a":1}');
  });
});

describe('goFloatString', () => {
  it.each([
    [0, '0'],
    [-0, '-0'],
    [1e21, '1e+21'],
    [-1e21, '-1e+21'],
    [1e20, '100000000000000000000'],
    [1e-7, '1e-7'],
    [1.5e-7, '1.5e-7'],
    [1e-6, '0.000001'],
    [1.5, '1.5'],
    [-2.25, '-2.25'],
    [123456789012345680000, '123456789012345680000'],
    [0.1, '0.1'],
    [1e100, '1e+100'],
    [5e-324, '5e-324'],
    [Number.MAX_SAFE_INTEGER, '9007199254740991'],
  ])('%d → %s', (n, text) => {
    expect(goFloatString(n)).toBe(text);
  });

  it('refuses non-finite numbers with Go message', () => {
    expect(() => goFloatString(Number.NaN)).toThrow('json: unsupported value: NaN');
    expect(() => goFloatString(Infinity)).toThrow('json: unsupported value: +Inf');
    expect(() => goFloatString(-Infinity)).toThrow('json: unsupported value: -Inf');
  });
});

describe('Go structs', () => {
  it('keep their field order while maps are sorted', async () => {
    const { goStruct } = await import('../../../runtime/shared/json/json-number.js');
    const detail = goStruct({ http_status_code: 404, http_body: 'x', http_body_encoding: 'text/plain' });
    expect(encodeJson({ z: detail, a: { y: 1, b: 2 } })).toBe('{"a":{"b":2,"y":1},"z":{"http_status_code":404,"http_body":"x","http_body_encoding":"text/plain"}}');
    expect(Object.keys(detail)).toEqual(['http_status_code', 'http_body', 'http_body_encoding']);
  });
});

describe('the recursive encoder and its iterative fallback', () => {
  it('write the same bytes for every shape, on both sides of the recursion limit', async () => {
    const { encodeJsonIteratively } = await import('../../../runtime/shared/json/encode-json.js');
    const { goStruct } = await import('../../../runtime/shared/json/json-number.js');
    const nest = (depth: number, leaf: JsonValue): JsonValue => {
      let v = leaf;
      for (let i = 0; i < depth; i++) v = i % 2 === 0 ? [v, 1] : { b: v, a: 'x<y', [`k${i}`]: new JsonNumber('1.50') };
      return v;
    };
    const values: JsonValue[] = [
      { b: [1, -0.5, 'é\u2028', null, true], a: {}, c: [], '': goStruct({ z: 1, a: 2 }) },
      ...[1, 511, 512, 513, 2000].map((d) => nest(d, { leaf: '\u{1F600}\ud800' })),
    ];
    for (const v of values) expect(encodeJson(v)).toBe(encodeJsonIteratively(v));
  });

  it('fail with the same error wherever the bad value sits', async () => {
    const { encodeJsonIteratively } = await import('../../../runtime/shared/json/encode-json.js');
    for (const depth of [3, 600]) {
      let v: JsonValue = [Number.NaN];
      for (let i = 0; i < depth; i++) v = [v];
      expect(() => encodeJson(v)).toThrow('json: unsupported value: NaN');
      expect(() => encodeJsonIteratively(v)).toThrow('json: unsupported value: NaN');
    }
  });
});
