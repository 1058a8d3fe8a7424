/**
 * Where two bodies first differ, so a failing spec says where to look: the
 * byte offset of a string body, the JSON paths of a JSON body (at most a few,
 * with both values).
 */
import { isDeepStrictEqual } from 'node:util';

const MAX_PATHS = 5;

/** `at byte N: got "…", want "…"` around the first differing byte; undefined when equal. */
export function firstByteDiff(got: string, want: string): string | undefined {
  if (got === want) return undefined;
  let i = 0;
  while (i < got.length && i < want.length && got[i] === want[i]) i++;
  const near = (s: string) => JSON.stringify(s.slice(Math.max(0, i - 10), i + 30));
  return `at byte ${Buffer.byteLength(got.slice(0, i))}: got ${near(got)}, want ${near(want)} (lengths ${Buffer.byteLength(got)} and ${Buffer.byteLength(want)})`;
}

/** `$.a.b[2]: got 1, want 2` for the first differing paths. */
export function jsonPathDiffs(got: unknown, want: unknown): string[] {
  const out: string[] = [];
  walk(got, want, '$', out);
  return out;
}

function walk(got: unknown, want: unknown, path: string, out: string[]): void {
  if (out.length >= MAX_PATHS || isDeepStrictEqual(got, want)) return;
  if (isObject(got) && isObject(want)) {
    for (const k of new Set([...Object.keys(want), ...Object.keys(got)])) {
      const p = /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`;
      if (!(k in got)) push(out, `${p}: missing, want ${show(want[k])}`);
      else if (!(k in want)) push(out, `${p}: unexpected ${show(got[k])}`);
      else walk(got[k], want[k], p, out);
    }
    return;
  }
  if (Array.isArray(got) && Array.isArray(want) && got.length === want.length) {
    got.forEach((g, i) => walk(g, want[i], `${path}[${i}]`, out));
    return;
  }
  push(out, `${path}: got ${show(got)}, want ${show(want)}`);
}

function push(out: string[], line: string): void {
  if (out.length < MAX_PATHS) out.push(line);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function show(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}
