import { canonicalHeaderKey } from '../../shared/headers/canonical-header-key.js';
import { encodeJson } from '../../shared/json/encode-json.js';
import type { JsonObject } from '../../shared/json/json-number.js';
import { ZapMessageError } from './zap-message.js';

/**
 * Headers as the HIP-0110 envelopes carry them (spec C4): Go's `http.Header`
 * through `json.Marshal`, i.e. a JSON object `map[string][]string` — names in
 * canonical form, a name's lines in order, keys sorted by bytes, HTML-safe
 * escapes. The order of lines across different names is not kept (a Go map
 * has none).
 *
 * Node hands header values over one byte per character (latin1); Go's JSON
 * reads a string's bytes as UTF-8 and writes an invalid byte as U+FFFD. So a
 * value goes out as its bytes read as UTF-8, and comes back as that text's
 * UTF-8 bytes — the round trip is exact for every valid UTF-8 value.
 */

export type HeaderPairs = Array<[string, string]>;

export function encodeHeaderJsonMap(pairs: ReadonlyArray<readonly [string, string]>): Buffer {
  if (pairs.length === 0) return Buffer.alloc(0);
  const map = new Map<string, string[]>();
  for (const [name, value] of pairs) {
    const key = canonicalHeaderKey(toText(name));
    const lines = map.get(key);
    if (lines) lines.push(toText(value));
    else map.set(key, [toText(value)]);
  }
  const object: JsonObject = Object.create(null) as JsonObject;
  for (const [key, lines] of map) object[key] = lines;
  return Buffer.from(encodeJson(object), 'utf8');
}

/** Empty input (a null slot) → no headers. Anything but an object of string arrays is refused. */
export function decodeHeaderJsonMap(block: Buffer, what: string): HeaderPairs {
  if (block.length === 0) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(block.toString('utf8'));
  } catch (e) {
    throw new ZapMessageError(`${what}: headers are not JSON: ${(e as Error).message}`);
  }
  if (parsed === null) return []; // Go marshals a nil http.Header as null
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new ZapMessageError(`${what}: headers are not a JSON object`);
  const out: HeaderPairs = [];
  for (const [name, lines] of Object.entries(parsed as Record<string, unknown>)) {
    if (lines === null) continue;
    if (!Array.isArray(lines) || lines.some((l) => typeof l !== 'string')) throw new ZapMessageError(`${what}: header ${JSON.stringify(name)} is not a list of strings`);
    for (const line of lines as string[]) out.push([toWire(name), toWire(line)]);
  }
  return out;
}

function toText(wire: string): string {
  // eslint-disable-next-line no-control-regex
  return /[^\x00-\x7f]/.test(wire) ? Buffer.from(wire, 'latin1').toString('utf8') : wire;
}

function toWire(text: string): string {
  // eslint-disable-next-line no-control-regex
  return /[^\x00-\x7f]/.test(text) ? Buffer.from(text, 'utf8').toString('latin1') : text;
}
