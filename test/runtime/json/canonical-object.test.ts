import { describe, expect, it } from 'vitest';
import { canonicalObject, mergeCanonical, type CanonicalObject } from '../../../runtime/shared/json/canonical-object.js';
import { decodeFirstJsonValue } from '../../../runtime/shared/json/parse-json.js';
import { encodeJson } from '../../../runtime/shared/json/encode-json.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../../../runtime/shared/json/json-number.js';

/**
 * The splice path against the tree path it replaces: over a generated corpus
 * (big integers, decimals, escapes of every kind, surrogates, nested objects,
 * duplicate and unsorted keys, whitespace, trailing data) every text the scan
 * accepts must give exactly encodeJson(decodeFirstJsonValue(text)), member by
 * member, and merging accepted parts must give what Object.assign + encodeJson give.
 */

/** Deterministic PRNG (mulberry32), so a failure names a reproducible seed. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NUMBERS = ['0', '-0', '1', '-1', '42', '1.50', '0.1', '-0.5', '0.05', '1e3', '1E+3', '2.5e-10', '1.0', '-0.0', '100', '123.456', '1e400', '1e21', '123456789012345', '9007199254740993', '12345678901234567890123', '0.30000000000000004', '5e-324'];
const KEYS = ['a', 'b', 'c', 'aa', 'B', 'Z', '_', '10', '2', 'id', 'name', 'é', '\uffff', '__proto__', 'collection', 'x<y', 'a&b', '😀', ''];
/** String pieces as they may appear in JSON text: raw characters and escapes Go writes differently or alike. */
const STRING_PIECES = ['abc', ' ', 'é', '😀', '\uffff', '<', '>', '&', '\u2028', '\\n', '\\t', '\\"', '\\\\', '\\/', '\\b', '\\f', '\\r', '\\u00e9', '\\u003c', '\\u003C', '\\u0026', '\\u001f', '\\u001F', '\\u0000', '\\u2029', '\\ud83d\\ude00', '\\ud800', '\\udc00x', '\\ufffd', '\ufffd'];
const WS = ['', '', '', ' ', '\n', '\t', '\r\n  '];

function generate(r: () => number, depth: number, ws: boolean): string {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const w = () => (ws ? pick(WS) : '');
  const roll = r();
  if (depth < 4 && roll < 0.35) {
    const n = Math.floor(r() * 5);
    let keys = Array.from({ length: n }, () => pick(KEYS));
    if (r() < 0.6) keys = [...new Set(keys)].sort(); // JS order: agrees with UTF-8 except around surrogates
    return `{${w()}${keys.map((k) => `"${k}"${w()}:${w()}${generate(r, depth + 1, ws)}${w()}`).join(`,${w()}`)}}`;
  }
  if (depth < 4 && roll < 0.5) {
    const n = Math.floor(r() * 4);
    return `[${w()}${Array.from({ length: n }, () => generate(r, depth + 1, ws)).join(`${w()},${w()}`)}${w()}]`;
  }
  if (roll < 0.75) return `"${Array.from({ length: Math.floor(r() * 4) }, () => pick(STRING_PIECES)).join('')}"`;
  if (roll < 0.92) return pick(NUMBERS);
  return pick(['true', 'false', 'null']);
}

/** Objects only, as a backend body: sometimes with whitespace around and data after it. */
function corpus(size: number, seed: number): string[] {
  const r = rng(seed);
  const out: string[] = [];
  while (out.length < size) {
    const ws = r() < 0.4;
    let text = generate(r, 0, ws);
    if (!text.startsWith('{')) text = `{"v":${text}}`;
    if (ws && r() < 0.5) text = ` \n${text}\n`;
    if (r() < 0.1) text += pick(r, ['\n', ' {"second":1}', 'garbage']);
    out.push(text);
  }
  return out;
}

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

/** The tree path: what the pipe did before splicing, or null where it fails or is not an object. */
function treePath(text: string): JsonObject | null {
  try {
    const v = decodeFirstJsonValue(text);
    return isJsonObject(v) ? v : null;
  } catch {
    return null;
  }
}

/** No key at any depth that the scan must refuse (escapes, surrogates, `__proto__` at the top). */
function plainKeys(v: JsonValue, top: boolean): boolean {
  if (Array.isArray(v)) return v.every((x) => plainKeys(x, false));
  if (!isJsonObject(v)) return true;
  return Object.keys(v).every((k) => !/[<>&"\\\u0000-\u001f\u2028\u2029\ud800-\udfff]/.test(k) && !(top && k === '__proto__') && plainKeys(v[k]!, false));
}

function expectSameAsTree(text: string, fast: CanonicalObject): void {
  const tree = treePath(text);
  expect(tree, text).not.toBeNull();
  expect(fast.text, text).toBe(encodeJson(tree!));
  expect([...fast.keys], text).toEqual(Object.keys(tree!).sort((a, b) => (Buffer.compare(Buffer.from(a), Buffer.from(b)))));
  fast.keys.forEach((k, i) => expect(fast.text.slice(fast.starts[i], fast.ends[i]), `${text} [${k}]`).toBe(encodeJson(tree![k]!)));
}

describe('canonicalObject against the tree path (differential)', () => {
  const texts = corpus(4000, 16);

  it('gives the tree path\'s exact bytes for every text it accepts, and accepts every canonical text with plain keys', () => {
    let accepted = 0;
    let canonicalChecked = 0;
    for (const text of texts) {
      const fast = canonicalObject(text);
      if (fast !== null) {
        accepted++;
        expectSameAsTree(text, fast);
      }
      // The tree path's own output is canonical: the scan must take it (else the fast path is never taken).
      const tree = treePath(text);
      if (tree !== null && plainKeys(tree, true)) {
        const canonical = encodeJson(tree);
        const again = canonicalObject(canonical);
        expect(again, canonical).not.toBeNull();
        expect(again!.text).toBe(canonical);
        canonicalChecked++;
      }
    }
    // Both branches ran often enough to mean something.
    expect(accepted).toBeGreaterThan(300);
    expect(canonicalChecked).toBeGreaterThan(1500);
  });

  it('merges accepted parts as Object.assign in arrival order and encodeJson would', () => {
    const r = rng(7);
    const parts = texts.map((t) => ({ t, c: canonicalObject(t) })).filter((p) => p.c !== null);
    for (let round = 0; round < 1500; round++) {
      const chosen = Array.from({ length: 2 + Math.floor(r() * 3) }, () => pick(r, parts));
      const merged = mergeCanonical(chosen.map((p) => p.c!));
      const tree = chosen.map((p) => treePath(p.t)!).reduce((acc, x) => Object.assign(acc, x), {} as JsonObject);
      expect(merged.text, chosen.map((p) => p.t).join(' + ')).toBe(encodeJson(tree));
      merged.keys.forEach((k, i) => expect(merged.text.slice(merged.starts[i], merged.ends[i])).toBe(encodeJson(tree[k]!)));
    }
  });
});

describe('canonicalObject refuses what re-encoding would change', () => {
  it.each([
    ['unsorted keys', '{"b":1,"a":2}'],
    ['unsorted nested keys', '{"a":{"y":1,"x":2}}'],
    ['a duplicate key', '{"a":1,"a":2}'],
    ['a nested duplicate key', '{"a":[{"k":1,"k":2}]}'],
    ['an escape Go writes raw', '{"a":"\\u00e9"}'],
    ['an escaped slash', '{"a":"\\/"}'],
    ['upper-case hex in an escape', '{"a":"\\u003C"}'],
    ['a raw < (Go escapes it)', '{"a":"<"}'],
    ['a lone surrogate escape', '{"a":"\\ud800"}'],
    ['an escaped key', '{"\\u0061":1}'],
    ['__proto__ at the top', '{"__proto__":{}}'],
    ['an array', '[1]'],
    ['a syntax error', '{"a":1'],
    ['a number Go would refuse', '{"a":01}'],
  ])('%s', (_name, text) => {
    expect(canonicalObject(text)).toBeNull();
  });

  it('keeps numbers digit for digit and drops whitespace', () => {
    const fast = canonicalObject(' {\n "a" : 1.50 ,\t"b":[ 9007199254740993 , -0 ],"c":{ } }\n{"next":1}');
    expect(fast?.text).toBe('{"a":1.50,"b":[9007199254740993,-0],"c":{}}');
    expect(fast?.keys).toEqual(['a', 'b', 'c']);
  });
});
