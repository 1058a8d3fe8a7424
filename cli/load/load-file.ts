import { readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { withRange } from '../diagnostics/make.js';
import { ZERO_RANGE } from '../diagnostics/diagnostic.js';
import type { LoadResult } from './document.js';
import { loadJson } from './json.js';
import { LineIndex } from './positions.js';
import { loadYaml } from './yaml.js';
import { MAX_NESTING, tooDeepAt } from './nesting.js';
import { MAX_STDIN_BYTES, readStdin, STDIN_NAME } from './stdin.js';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Reads a config file from disk: JSON by default, YAML for .yml/.yaml (as KrakenD picks by extension). */
export function loadFile(file: string, forceFormat?: 'json' | 'yaml'): LoadResult {
  if (file === '-') {
    // Standard input: JSON unless asked otherwise (there is no extension to go by).
    const bytes = readStdin();
    if (bytes === undefined) return unreadable(STDIN_NAME, `standard input holds more than ${MAX_STDIN_BYTES} bytes`);
    return loadText(STDIN_NAME, bytes, forceFormat ?? 'json');
  }
  let bytes: Buffer;
  try {
    const st = statSync(file);
    if (st.isDirectory()) return unreadable(file, `${file} is a directory, not a config file`, 'Pass the path of the gateway.json file inside it.');
    bytes = readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return unreadable(file, `no such file: ${file}`, 'Check the path; it is resolved against the current directory.');
    if (code === 'EACCES') return unreadable(file, `permission denied reading ${file}`);
    return unreadable(file, `cannot read ${file}: ${(e as Error).message}`);
  }
  const format = forceFormat ?? (/\.ya?ml$/i.test(extname(file)) ? 'yaml' : 'json');
  return loadText(file, bytes, format);
}

export function loadText(file: string, bytes: Uint8Array | string, format: 'json' | 'yaml'): LoadResult {
  let text: string;
  if (typeof bytes === 'string') {
    text = bytes;
  } else {
    const nul = bytes.indexOf(0);
    try {
      text = utf8.decode(bytes);
    } catch {
      return notText(file, bytes, -1);
    }
    if (nul >= 0) return notText(file, bytes, nul, text);
  }
  if (text.charCodeAt(0) === 0xfeff) {
    return {
      ok: false,
      text,
      diagnostics: [
        withRange(file, 'input-bom', '', { start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 1 } },
          'the file starts with a UTF-8 byte-order mark (U+FEFF)', { hint: 'Save the file as UTF-8 without BOM (Go\'s JSON decoder and KrakenD reject it).' }),
      ],
    };
  }
  if (text.trim() === '') {
    return { ok: false, text, diagnostics: [withRange(file, 'input-empty', '', ZERO_RANGE, 'the file is empty', { hint: 'A minimal config is {"version": 3, "endpoints": []}.' })] };
  }
  const deep = tooDeepAt(text);
  if (deep >= 0) {
    return {
      ok: false,
      text,
      diagnostics: [withRange(file, 'nesting-too-deep', '', new LineIndex(text).range(deep, deep + 1), `arrays and objects nest more than ${MAX_NESTING} levels deep here`, {
        hint: 'A gateway config is a few levels deep; check for a generated or corrupted file.',
      })],
    };
  }
  try {
    return format === 'yaml' ? loadYaml(file, text) : loadJson(file, text);
  } catch (e) {
    // Block-indented YAML can nest without brackets; a recursion overflow is still a depth problem of the input.
    if (e instanceof RangeError) {
      return { ok: false, text, diagnostics: [withRange(file, 'nesting-too-deep', '', ZERO_RANGE, 'the document nests too deeply to be read', {})] };
    }
    throw e;
  }
}

function unreadable(file: string, message: string, hint?: string): LoadResult {
  return { ok: false, diagnostics: [withRange(file, 'input-unreadable', '', ZERO_RANGE, message, hint ? { hint } : {})] };
}

function notText(file: string, bytes: Uint8Array, nulAt: number, text?: string): LoadResult {
  let range = ZERO_RANGE;
  if (nulAt >= 0 && text !== undefined) {
    // The byte offset of the NUL equals its UTF-16 offset only for ASCII prefixes; good enough to point at it.
    const prefix = Buffer.from(bytes.subarray(0, nulAt)).toString('utf8');
    range = new LineIndex(text).range(prefix.length, prefix.length + 1);
  }
  return {
    ok: false,
    diagnostics: [
      withRange(file, 'input-not-text', '', range,
        nulAt >= 0 ? 'the file contains a NUL byte; it is binary, not a JSON/YAML config' : 'the file is not valid UTF-8 text',
        { hint: 'Check that the path names the config file and that it was not corrupted.' }),
    ],
  };
}
