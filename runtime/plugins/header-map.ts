import type { HeaderMap } from './plugin-api.js';

/** Flat `[name, value, …]` lines → lower-cased name → values, repeated lines kept apart and in order. */
export function headerMapOf(lines: readonly string[]): HeaderMap {
  const map: HeaderMap = {};
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const name = lines[i]!.toLowerCase();
    (map[name] ??= []).push(lines[i + 1]!);
  }
  return map;
}

/** Raw header buffers as undici hands them to `onHeaders` → a HeaderMap. */
export function headerMapOfRaw(raw: readonly Buffer[]): HeaderMap {
  const lines: string[] = [];
  for (const b of raw) lines.push(b.toString('latin1'));
  return headerMapOf(lines);
}

/**
 * A header map a plugin filled in → flat lines, without the framing headers
 * named in `drop` (Content-Length and Transfer-Encoding are recomputed).
 * Values that are not strings are stringified; nullish ones are skipped.
 */
export function headerLinesOf(map: Readonly<Record<string, string | readonly string[] | undefined>>, drop: ReadonlySet<string> = FRAMING): string[] {
  const lines: string[] = [];
  for (const [name, value] of Object.entries(map)) {
    if (drop.has(name.toLowerCase()) || value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      for (const v of value as readonly unknown[]) if (v !== undefined && v !== null) lines.push(name, String(v));
    } else lines.push(name, String(value));
  }
  return lines;
}

export const FRAMING: ReadonlySet<string> = new Set(['content-length', 'transfer-encoding']);

/** Flat lines → the Buffer list `UpstreamHandler.onHeaders` takes. */
export function rawHeaderBuffers(lines: readonly string[]): Buffer[] {
  return lines.map((s) => Buffer.from(s, 'latin1'));
}
