import { canonicalHeaderKey } from '../../shared/headers/canonical-header-key.js';
import { encodeJson } from '../../shared/json/encode-json.js';
import type { JsonObject } from '../../shared/json/json-number.js';
import { sortByUtf8 } from '../../shared/json/utf8-order.js';
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
    const key = canonicalName(name);
    const lines = map.get(key);
    if (lines) lines.push(value);
    else map.set(key, [value]);
  }
  let out = '{';
  for (const key of sortByUtf8([...map.keys()])) {
    out += `${out.length === 1 ? '' : ','}${PLAIN.test(key) ? `"${key}"` : encodeJson(key)}:[`;
    const lines = map.get(key)!;
    for (let i = 0; i < lines.length; i++) out += (i === 0 ? '' : ',') + quote(lines[i]!);
    out += ']';
  }
  return Buffer.from(`${out}}`, 'utf8');
}

/**
 * Names repeat on every answer (Content-Type, Date …): their canonical text is
 * kept, up to CANONICAL_CACHE_SIZE names (then the cache starts over).
 */
const CANONICAL_CACHE_SIZE = 1024;
const canonical = new Map<string, string>();

function canonicalName(name: string): string {
  let key = canonical.get(name);
  if (key === undefined) {
    key = canonicalHeaderKey(toText(name));
    if (canonical.size >= CANONICAL_CACHE_SIZE) canonical.clear();
    canonical.set(name, key);
  }
  return key;
}

/** Printable ASCII that Go's encoder writes as it is (no `"`, `\\`, `<`, `>`, `&`). */
const PLAIN = /^[\x20\x21\x23-\x25\x27-\x3b\x3d\x3f-\x5b\x5d-\x7e]*$/;

/** A wire string as Go's json.Marshal quotes it (its bytes read as UTF-8, HTML-safe escapes). */
function quote(wire: string): string {
  return PLAIN.test(wire) ? `"${wire}"` : encodeJson(toText(wire));
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
