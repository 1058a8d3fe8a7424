import { parse, type AnyNode, type DocumentNode } from '@humanwhocodes/momoa';
import type { Diagnostic, Range } from '../diagnostics/diagnostic.js';
import { withRange } from '../diagnostics/make.js';
import type { LoadResult } from './document.js';
import { joinPointer } from './json-pointer.js';
import { LineIndex } from './positions.js';
import { SourceMap } from './source-map.js';

interface MomoaLoc {
  start: { line: number; column: number; offset: number };
  end: { line: number; column: number; offset: number };
}

function rangeOf(loc: MomoaLoc | undefined): Range {
  if (!loc) return { start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } };
  return { start: { ...loc.start }, end: { ...loc.end } };
}

/**
 * Parses JSON text with momoa (positions for every node), building the plain
 * value and the pointer → position map in one walk. Duplicate keys are an error:
 * Go silently keeps the last, which loses a setting without notice.
 */
export function loadJson(file: string, text: string): LoadResult {
  let ast: DocumentNode;
  try {
    ast = parse(text, { mode: 'json', tokens: true });
  } catch (e) {
    const err = e as { message?: string; line?: number; column?: number; offset?: number };
    const idx = new LineIndex(text);
    const atEnd = /end of input/i.test(String(err.message));
    // momoa reports end-of-input at 1:1; the useful place is where the text stops.
    const offset = atEnd ? text.trimEnd().length : typeof err.offset === 'number' ? err.offset : 0;
    const range = idx.range(offset, Math.min(text.length, offset + 1));
    const raw = String(err.message ?? e).replace(/\s*\(\d+:\d+\)\s*$/, '');
    const truncated = atEnd || offset >= text.trimEnd().length;
    return {
      ok: false,
      text,
      diagnostics: [
        withRange(file, 'json-syntax', '', range, truncated ? `${raw} — the file ends before the JSON value is complete` : raw, {
          hint: truncated
            ? 'The file looks truncated: close every open `{` and `[`.'
            : text.charCodeAt(offset) === 9 || /Unexpected character '\t'/.test(raw)
              ? 'JSON strings may not contain a raw tab; write it as \\t.'
              : 'Check for a missing comma or quote, or a trailing comma, just before this position.',
        }),
      ],
    };
  }
  const control = findControlCharInString(ast, text);
  if (control !== undefined) {
    const idx = new LineIndex(text);
    const code = text.charCodeAt(control);
    return {
      ok: false,
      text,
      diagnostics: [
        withRange(file, 'json-syntax', '', idx.range(control, control + 1),
          `invalid character ${code === 9 ? "'\\t'" : `U+${code.toString(16).toUpperCase().padStart(4, '0')}`} in string literal`, {
            hint: code === 9 ? 'JSON strings may not contain a raw tab; write it as \\t.' : 'Escape control characters inside JSON strings (\\n, \\t, \\u00XX).',
          }),
      ],
    };
  }
  const map = new SourceMap();
  const diagnostics: Diagnostic[] = [];
  const value = walk(ast.body as AnyNode, '', map, file, diagnostics, undefined);
  if (diagnostics.length > 0) return { ok: false, text, diagnostics };
  return { ok: true, doc: { file, text, format: 'json', value, sourceMap: map }, diagnostics: [] };
}

function walk(
  node: AnyNode,
  pointer: string,
  map: SourceMap,
  file: string,
  diagnostics: Diagnostic[],
  keyRange: Range | undefined,
): unknown {
  const valueRange = rangeOf((node as { loc?: MomoaLoc }).loc);
  map.set(pointer, keyRange ? { key: keyRange, value: valueRange } : { value: valueRange });
  switch (node.type) {
    case 'Object': {
      // A null-prototype object: a key named `__proto__` in a config must stay data.
      const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
      const seen = new Map<string, Range>();
      for (const member of node.members) {
        const name = member.name.type === 'String' ? member.name.value : String((member.name as { name?: string }).name);
        const kRange = rangeOf(member.name.loc as MomoaLoc);
        const childPointer = joinPointer(pointer, name);
        const first = seen.get(name);
        if (first) {
          diagnostics.push(
            withRange(file, 'duplicate-key', childPointer, kRange, `duplicate key "${name}"`, {
              hint: 'Remove one of the two; Go would silently keep only the last value.',
              related: [{ message: 'first defined here', file, range: first, pointer: childPointer }],
            }),
          );
          continue;
        }
        seen.set(name, kRange);
        out[name] = walk(member.value as AnyNode, childPointer, map, file, diagnostics, kRange);
      }
      return out;
    }
    case 'Array':
      return node.elements.map((el, i) => walk(el.value as AnyNode, joinPointer(pointer, i), map, file, diagnostics, undefined));
    case 'String':
      return node.value;
    case 'Number':
      return node.value;
    case 'Boolean':
      return node.value;
    case 'Null':
      return null;
    default:
      return undefined;
  }
}

/** momoa accepts raw control characters inside strings; RFC 8259 (and Go) do not. */
function findControlCharInString(ast: DocumentNode, text: string): number | undefined {
  for (const token of ast.tokens ?? []) {
    if (token.type !== 'String') continue;
    const loc = token.loc as MomoaLoc;
    for (let i = loc.start.offset; i < loc.end.offset; i++) {
      if (text.charCodeAt(i) < 0x20) return i;
    }
  }
  return undefined;
}
