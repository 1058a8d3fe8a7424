/**
 * Editing the headers of an incoming Node request so every view agrees.
 *
 * Node keeps three views of the request headers: `rawHeaders` (the lines as
 * received), and `headers` / `headersDistinct`, which it builds lazily from
 * `rawHeaders` the first time they are read — iterating up to the line count
 * the parser saw, not up to the array's current length. Shrinking or growing
 * `rawHeaders` before a view has been built would therefore make that view
 * wrong (or throw). So both views are built first, then all three are edited
 * together. Later stages (the proxy copies `rawHeaders`) see the same set.
 */
import type { IncomingMessage } from 'node:http';

/** Removes every line whose lower-cased name matches, from all three views; returns how many lines went. */
export function removeRequestHeaders(req: IncomingMessage, matches: (lowerName: string) => boolean): number {
  const raw = req.rawHeaders;
  let found = false;
  for (let i = 0; i < raw.length; i += 2) {
    if (matches((raw[i] ?? '').toLowerCase())) {
      found = true;
      break;
    }
  }
  if (!found) return 0;

  const headers = req.headers;
  const distinct = req.headersDistinct;
  let kept = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] ?? '';
    const lower = name.toLowerCase();
    if (matches(lower)) {
      delete headers[lower];
      delete distinct[lower];
      continue;
    }
    raw[kept++] = name;
    raw[kept++] = raw[i + 1] ?? '';
  }
  const removed = (raw.length - kept) / 2;
  raw.length = kept;
  return removed;
}

/**
 * Sets a header ("set" semantics: earlier lines of the name are replaced).
 * `name` is written to `rawHeaders` as given; `value` must already be in
 * Node's wire form (one char per byte, see `toHeaderValue`).
 */
export function setRequestHeader(req: IncomingMessage, name: string, value: string): void {
  setRequestHeaders(req, [name, value]);
}

/**
 * setRequestHeader for several headers of distinct names at once (`lines`:
 * name, value, name, value…): one pass over the request's lines instead of
 * one per header — the IAM gate writes about ten on every request.
 */
export function setRequestHeaders(req: IncomingMessage, lines: readonly string[]): void {
  if (lines.length === 2) {
    const only = lines[0]!.toLowerCase();
    removeRequestHeaders(req, (n) => n === only);
  } else {
    const names = new Set<string>();
    for (let i = 0; i < lines.length; i += 2) names.add(lines[i]!.toLowerCase());
    removeRequestHeaders(req, (n) => names.has(n));
  }
  const headers = req.headers;
  const distinct = req.headersDistinct;
  const raw = req.rawHeaders;
  for (let i = 0; i < lines.length; i += 2) {
    const name = lines[i]!;
    const value = lines[i + 1]!;
    const lower = name.toLowerCase();
    headers[lower] = value;
    distinct[lower] = [value];
    raw.push(name, value);
  }
}

/**
 * Node reads header bytes as latin1 (one char per byte). A value received on
 * the wire decoded back to text as Go sees it (UTF-8), so claims and header
 * values compare as strings.
 */
export function fromHeaderValue(wire: string): string {
  return /[^\x00-\x7f]/.test(wire) ? Buffer.from(wire, 'latin1').toString('utf8') : wire;
}

/**
 * Text to Node's wire form: UTF-8 bytes, one char per byte, as Go would send
 * them. Undefined when the value cannot be a header value at all (CR, LF,
 * NUL or another control character but tab) — Go's transport would refuse it.
 */
export function toHeaderValue(text: string): string | undefined {
  if (/[\x00-\x08\x0a-\x1f\x7f]/.test(text)) return undefined;
  return /[^\x00-\x7f]/.test(text) ? Buffer.from(text, 'utf8').toString('latin1') : text;
}
