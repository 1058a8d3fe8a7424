import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runHgwInProcess, FIXTURES } from '../helpers/cli.js';

/** A small seeded PRNG (mulberry32) so a failing mutation can be replayed from its seed. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

const TOKENS = ['{', '}', '[', ']', ',', ':', '"', 'null', 'true', '1e999', '-0', '\u0000', '\t', '\uFEFF', '\\', '\\u12', '{"a":1,"a":2}', '\n', '/*x*/', '\ud800'];
const VALUES: unknown[] = [
  null, true, 0, -1, 1.5, 65536, 1e308, 9007199254740993, '', ' ', '1.5s', '-1s', '3', '99999999999h', 'http://a b', 'redis://', '/{x}', '/__health',
  'header:', 'jwt.sub', '\u0001DEEP\u0001', '\u0001DEEP\u0001', 'a'.repeat(5000), '\u0000', [], {}, [1, 'a', null], { '': 1 }, { __proto__: 1 }, { version: 3 },
];

function textMutation(text: string, r: Rand): string {
  const at = Math.floor(r() * (text.length + 1));
  switch (Math.floor(r() * 6)) {
    case 0:
      return text.slice(0, at); // truncate
    case 1:
      return text.slice(0, at) + text.slice(at + 1 + Math.floor(r() * 40)); // delete a run
    case 2:
      return text.slice(0, at) + pick(r, TOKENS) + text.slice(at); // insert a token
    case 3: {
      const from = Math.floor(r() * text.length);
      return text.slice(0, at) + text.slice(from, from + 1 + Math.floor(r() * 80)) + text.slice(at); // duplicate a run
    }
    case 4:
      return text.slice(0, at) + String.fromCharCode(Math.floor(r() * 0x2fff)) + text.slice(at + 1); // replace a char
    default: {
      const depth = 1000 + Math.floor(r() * 20000); // nesting bomb
      return text.slice(0, at) + '['.repeat(depth) + ']'.repeat(depth) + text.slice(at);
    }
  }
}

/** Replaces, deletes or renames a random member somewhere in the parsed config. */
function structuralMutation(value: unknown, r: Rand): unknown {
  const root = structuredClone(value) as Record<string, unknown>;
  let node: unknown = root;
  for (let depth = 0; depth < 8; depth++) {
    if (node === null || typeof node !== 'object') break;
    const keys = Object.keys(node as object);
    if (keys.length === 0) break;
    const key = pick(r, keys);
    const child = (node as Record<string, unknown>)[key];
    if (r() < 0.35 || child === null || typeof child !== 'object') {
      const op = r();
      if (op < 0.6) (node as Record<string, unknown>)[key] = pick(r, VALUES);
      else if (op < 0.8 && !Array.isArray(node)) delete (node as Record<string, unknown>)[key];
      else if (!Array.isArray(node)) {
        (node as Record<string, unknown>)[`${key}${pick(r, ['x', '_', '/', ''])}`] = child;
        delete (node as Record<string, unknown>)[key];
      }
      break;
    }
    node = child;
  }
  return root;
}

describe('check under fuzzing', () => {
  const sources = [
    { file: `${FIXTURES}real-configs/example-gateway.json`, weight: 5 },
    { file: `${FIXTURES}krakend-ce/krakend.json`, weight: 4 },
    { file: `${FIXTURES}real-configs/hanzo-gateway.json`, weight: 1 },
  ].flatMap((s) => Array<string>(s.weight).fill(s.file));
  const texts = new Map(sources.map((f) => [f, readFileSync(f, 'utf8')]));

  it('never exits 3 or throws over 1200 mutations of the real configs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hgw-fuzz-'));
    const codes = { 0: 0, 1: 0, 2: 0 } as Record<number, number>;
    for (let seed = 1; seed <= 1200; seed++) {
      const r = rng(seed);
      const src = pick(r, sources);
      const text = texts.get(src)!;
      let mutated: string;
      if (r() < 0.5) {
        mutated = textMutation(text, r);
      } else {
        let v: unknown = JSON.parse(text);
        for (let n = 1 + Math.floor(r() * 3); n > 0; n--) v = structuralMutation(v, r);
        mutated = JSON.stringify(v, null, r() < 0.5 ? 2 : undefined);
        // Nesting bombs go in as text: building them as values would overflow the test's own stack.
        mutated = mutated.replace(/"\\u0001DEEP\\u0001"/g, () => {
          const depth = 150 + Math.floor(r() * 5000);
          return '['.repeat(depth) + ']'.repeat(depth);
        });
      }
      const file = join(dir, `m${seed}.${r() < 0.1 ? 'yaml' : 'json'}`);
      writeFileSync(file, mutated);
      const res = await runHgwInProcess(['check', file, '--format', 'json']);
      expect([0, 1, 2], `seed ${seed}: exit ${res.code}\n${res.stderr}`).toContain(res.code);
      const report = JSON.parse(res.stdout || '{"diagnostics":[]}') as { diagnostics: Array<{ range: { start: { line: number; column: number } } }> };
      for (const d of report.diagnostics) {
        expect(d.range.start.line, `seed ${seed}`).toBeGreaterThanOrEqual(1);
        expect(d.range.start.column, `seed ${seed}`).toBeGreaterThanOrEqual(1);
      }
      codes[res.code] = (codes[res.code] ?? 0) + 1;
    }
    // The corpus must exercise all three outcomes, or the fuzzer is not reaching the lint stage.
    expect(codes[0]).toBeGreaterThan(20);
    expect(codes[1]).toBeGreaterThan(100);
    expect(codes[2]).toBeGreaterThan(100);
  }, 300_000);
});
