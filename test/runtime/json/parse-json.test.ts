import { describe, expect, it } from 'vitest';
import { JsonNumber, type JsonValue } from '../../../runtime/shared/json/json-number.js';
import { decodeFirstJsonValue, parseJson } from '../../../runtime/shared/json/parse-json.js';
import { encodeJson } from '../../../runtime/shared/json/encode-json.js';

function roundTrip(text: string): string {
  return encodeJson(parseJson(text));
}

describe('parseJson numbers', () => {
  it.each(['9007199254740993', '1.50', '1e3', '1E+3', '-0', '0.1', '-0.0', '12345678901234567890123', '1.0', '2.5e-10', '123456789012345680000'])(
    'keeps %s digit for digit',
    (literal) => {
      expect(roundTrip(literal)).toBe(literal);
      expect(roundTrip(`{"n":${literal}}`)).toBe(`{"n":${literal}}`);
      expect(roundTrip(`[1,"x",${literal},true]`)).toBe(`[1,"x",${literal},true]`);
    },
  );

  it('boxes only numbers a JS number would change', () => {
    expect(parseJson('{"a":1.50,"b":0.1,"c":-0,"d":42,"e":9007199254740993}')).toEqual({
      a: new JsonNumber('1.50'),
      b: 0.1,
      c: new JsonNumber('-0'),
      d: 42,
      e: new JsonNumber('9007199254740993'),
    });
  });

  it('leaves canonical numbers as plain numbers on the fast path', () => {
    const value = parseJson('{"a":[1,-2,0.5,1e+21,123456789012345]}');
    expect(value).toEqual({ a: [1, -2, 0.5, 1e21, 123456789012345] });
  });

  it('is not fooled by digits, quotes and backslashes inside strings', () => {
    const text = '{"s":"1.50 \\" 1e3 \\\\","t":"\\\\\\"9007199254740993","n":1.50}';
    expect(parseJson(text)).toEqual({ s: '1.50 " 1e3 \\', t: '\\"9007199254740993', n: new JsonNumber('1.50') });
    expect(parseJson('["a\\\\",1.5]')).toEqual(['a\\', 1.5]);
  });
});

describe('parseJson strings', () => {
  it('decodes every escape, in the exact parser too', () => {
    const text = '["\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\u20AC\\ud83d\\ude00", 1.50]';
    expect(parseJson(text)).toEqual(['"\\/\b\f\n\r\t\u00e9\u20ac\u{1f600}', new JsonNumber('1.50')]);
  });

  it('turns escaped lone surrogates into U+FFFD, as Go does', () => {
    expect(parseJson('"\\ud800"')).toBe('\ufffd');
    expect(parseJson('"\\udc00x"')).toBe('\ufffdx');
    expect(parseJson('"\\ud800\\ud83d\\ude00"')).toBe('\ufffd\u{1f600}');
    expect(parseJson('"\\ud800\\u0041"')).toBe('\ufffdA');
    expect(encodeJson(parseJson('"\\ud800"'))).toBe('"\ufffd"');
  });
});

describe('parseJson objects', () => {
  it.each([
    ['fast path', '{"__proto__":{"polluted":true},"a":1}'],
    ['exact parser', '{"__proto__":{"polluted":true},"a":1.50}'],
  ])('keeps __proto__ as an own data key (%s)', (_path, text) => {
    const value = parseJson(text) as Record<string, JsonValue>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__', 'a']);
    expect(Object.getOwnPropertyDescriptor(value, '__proto__')?.value).toEqual({ polluted: true });
    expect((value as { polluted?: unknown }).polluted).toBeUndefined();
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(encodeJson(value)).toMatch(/^\{"__proto__":\{"polluted":true\},"a":1(\.50)?\}$/);
  });

  it('lets the last duplicate key win, as Go does', () => {
    expect(parseJson('{"a":1,"b":2,"a":3}')).toEqual({ a: 3, b: 2 });
    expect(parseJson('{"a":1,"a":1.50}')).toEqual({ a: new JsonNumber('1.50') });
    expect(encodeJson(parseJson('{"__proto__":1,"__proto__":2.50}'))).toBe('{"__proto__":2.50}');
  });

  it('parses nested arrays and objects with whitespace in the exact parser', () => {
    const text = ' { "a" : [ [ ] , { } , [ 1 , { "b" : null } ] ] ,\n\t"c" : { "d" : false , "e" : true , "f" : 1.50 } }\r\n';
    expect(parseJson(text)).toEqual({ a: [[], {}, [1, { b: null }]], c: { d: false, e: true, f: new JsonNumber('1.50') } });
    expect(roundTrip(text)).toBe('{"a":[[],{},[1,{"b":null}]],"c":{"d":false,"e":true,"f":1.50}}');
  });

  it('accepts nesting up to Go limit of 10000 and refuses deeper', () => {
    const ok = '['.repeat(10000) + ']'.repeat(10000);
    expect(encodeJson(parseJson(ok))).toBe(ok);
    expect(encodeJson(parseJson('['.repeat(9999) + '1.50' + ']'.repeat(9999)))).toBe('['.repeat(9999) + '1.50' + ']'.repeat(9999));
    expect(() => parseJson('['.repeat(10001) + ']'.repeat(10001))).toThrow("invalid character '[' exceeded max depth");
  });
});

describe('parse errors read like Go', () => {
  it.each([
    ['', 'EOF'],
    ['  \n\t', 'EOF'],
    ['{"a":1', 'unexpected EOF'],
    ['{"a":1.50', 'unexpected EOF'],
    ['{"a"', 'unexpected EOF'],
    ['{"a', 'unexpected EOF'],
    ['[1,', 'unexpected EOF'],
    ['tr', 'unexpected EOF'],
    ['-', 'unexpected EOF'],
    ['1.', 'unexpected EOF'],
    ['"abc\\', 'unexpected EOF'],
    ['"\\u12', 'unexpected EOF'],
    ['x', "invalid character 'x' looking for beginning of value"],
    ['<html>', "invalid character '<' looking for beginning of value"],
    ['\ufeff{}', "invalid character 'ï' looking for beginning of value"],
    ['é', "invalid character 'Ã' looking for beginning of value"],
    ["{'a':1}", "invalid character '\\'' looking for beginning of object key string"],
    ['{"a":1,}', "invalid character '}' looking for beginning of object key string"],
    ['[1,]', "invalid character ']' looking for beginning of value"],
    ['{"a" 1}', "invalid character '1' after object key"],
    ['{"a":1 "b":2}', `invalid character '"' after object key:value pair`],
    ['{"a":01}', "invalid character '1' after object key:value pair"],
    ['[1 2]', "invalid character '2' after array element"],
    ['[-x]', "invalid character 'x' in numeric literal"],
    ['[1.e5]', "invalid character 'e' after decimal point in numeric literal"],
    ['[1e]', "invalid character ']' in exponent of numeric literal"],
    ['[trux]', "invalid character 'x' in literal true (expecting 'e')"],
    ['[nul]', "invalid character ']' in literal null (expecting 'l')"],
    ['"a\nb"', "invalid character '\\n' in string literal"],
    ['"a\u0001"', "invalid character '\\x01' in string literal"],
    ['"\\x"', "invalid character 'x' in string escape code"],
    ['"\\u12g4"', "invalid character 'g' in \\u hexadecimal character escape"],
  ])('%j → %s', (text, message) => {
    expect(() => parseJson(text)).toThrow(message);
    expect(() => parseJson(text)).toThrow(new Error(message));
  });

  it('refuses trailing data after a complete text', () => {
    expect(() => parseJson('{"a":1}{"b":2}')).toThrow("invalid character '{' after top-level value");
    expect(() => parseJson('{"a":1.50} x')).toThrow("invalid character 'x' after top-level value");
    expect(parseJson('{"a":1}\n')).toEqual({ a: 1 });
  });
});

describe('decodeFirstJsonValue', () => {
  it('reads only the first value, as json.Decoder.Decode does', () => {
    expect(decodeFirstJsonValue('{"a":1}\n')).toEqual({ a: 1 });
    expect(decodeFirstJsonValue('{"a":1}{"b":2}')).toEqual({ a: 1 });
    expect(decodeFirstJsonValue('{"a":1.50}{"b":2}')).toEqual({ a: new JsonNumber('1.50') });
    expect(decodeFirstJsonValue('[1] garbage')).toEqual([1]);
    expect(decodeFirstJsonValue('  "s"x')).toBe('s');
    expect(decodeFirstJsonValue('123abc')).toBe(123);
    expect(decodeFirstJsonValue('01')).toBe(0);
    expect(decodeFirstJsonValue('truex')).toBe(true);
  });

  it('still reports errors inside the first value', () => {
    expect(() => decodeFirstJsonValue('')).toThrow('EOF');
    expect(() => decodeFirstJsonValue('{"a":')).toThrow('unexpected EOF');
    expect(() => decodeFirstJsonValue('{"a":x}{}')).toThrow("invalid character 'x' looking for beginning of value");
  });
});

/** A small deterministic generator, so failures reproduce. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function randomNumberLiteral(next: () => number): string {
  const pick = (chars: string) => chars[Math.floor(next() * chars.length)] as string;
  const digits = (min: number, max: number, alphabet = '0123456789') =>
    Array.from({ length: min + Math.floor(next() * (max - min + 1)) }, () => pick(alphabet)).join('');
  let literal = next() < 0.3 ? '-' : '';
  literal += next() < 0.3 ? '0' : pick('123456789') + digits(0, 20);
  if (next() < 0.6) literal += '.' + digits(1, 18, next() < 0.3 ? '0001' : '0123456789');
  if (next() < 0.15) literal += pick('eE') + (next() < 0.5 ? pick('+-') : '') + digits(1, 3);
  return literal;
}

/** Go's output for ASCII keys and non-negative numbers: JSON.stringify pieces, keys sorted, Go's extra escapes. */
function goStyleReference(value: JsonValue): string {
  const plain = (v: JsonValue): string => {
    if (Array.isArray(v)) return '[' + v.map(plain).join(',') + ']';
    if (v === null || typeof v !== 'object' || v instanceof JsonNumber) return JSON.stringify(v);
    return '{' + Object.keys(v).sort().map((key) => JSON.stringify(key) + ':' + plain(v[key] as JsonValue)).join(',') + '}';
  };
  return plain(value).replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

describe('parseJson against reference behaviour', () => {
  it('boxes exactly the literals that String(Number(x)) would change', () => {
    const next = random(42);
    for (let i = 0; i < 20000; i++) {
      const literal = randomNumberLiteral(next);
      const canonical = String(Number(literal)) === literal;
      if (canonical) expect(parseJson(literal)).toBe(Number(literal));
      else expect(parseJson(literal)).toEqual(new JsonNumber(literal));
      expect(encodeJson(parseJson(`[${literal},"\\\\"]`))).toBe(`[${literal},"\\\\"]`);
    }
  });

  it('gives the same values on the fast path and in the exact parser', () => {
    const next = random(7);
    const randomValue = (depth: number): JsonValue => {
      const r = next();
      if (depth > 3 || r < 0.4) {
        const s = next();
        if (s < 0.25) return Math.round(next() * 1e6) / (next() < 0.5 ? 1 : 100);
        if (s < 0.5) return String.fromCharCode(...Array.from({ length: Math.floor(next() * 8) }, () => Math.floor(next() * 0x3000)));
        if (s < 0.7) return next() < 0.5;
        if (s < 0.8) return null;
        return '\\"' + 'x'.repeat(Math.floor(next() * 3)) + '\\';
      }
      if (r < 0.7) return Array.from({ length: Math.floor(next() * 5) }, () => randomValue(depth + 1));
      const members: Record<string, JsonValue> = {};
      for (let i = Math.floor(next() * 5); i > 0; i--) members[String.fromCharCode(0x20 + Math.floor(next() * 0x60))] = randomValue(depth + 1);
      return members;
    };
    for (let i = 0; i < 2000; i++) {
      const value = randomValue(0);
      const text = JSON.stringify(value);
      expect(parseJson(text)).toEqual(JSON.parse(text));
      // A trailing 1.50 forces the exact parser over the same text.
      const exact = parseJson(`[${text},1.50]`) as JsonValue[];
      expect(exact[0]).toEqual(JSON.parse(text));
      expect(encodeJson(exact)).toBe(`[${goStyleReference(value)},1.50]`);
    }
  });
});
