/**
 * Why this exists: a backend with `encoding: xml` is decoded by krakend-xml with
 * mxj v2's `NewMapXmlReader` (no casting). This reproduces the map mxj builds:
 *
 * - The root element is the only top-level key; anything after it is never read.
 * - An attribute becomes `-local` (the namespace prefix is dropped, so
 *   `xmlns:a="u"` gives `-a` and `xml:lang` gives `-lang`); element keys drop their
 *   prefix too (`<a:b>` is `b`). Namespaces are still checked as Go checks them.
 * - Every leaf is a string, trimmed of `\t \r \b \n` and spaces; an element with no
 *   text, no attribute and no child is `""`.
 * - Text of an element with attributes or children goes to `#text`. Text is cut
 *   into pieces by comments, CDATA and processing instructions and mxj keeps one
 *   piece: the last one, except that text written before the first child wins over
 *   text after it.
 * - Siblings with the same name become a list, in document order, wherever they
 *   are among the other children.
 * - The XML declaration, comments, processing instructions, a DOCTYPE and text
 *   outside the root are ignored.
 *
 * Malformed XML (for Go's strict decoder) throws `XmlSyntaxError`; an empty body or
 * one without a root element throws `XmlDecodeError` ("EOF", as mxj returns io.EOF).
 */
import type { JsonObject, JsonValue } from '../shared/json/json-number.js';
import { GoXmlTokenizer } from './go-xml-tokenizer.js';
import { xmlBytesToText } from './xml-bytes-to-text.js';

export { XmlSyntaxError } from './go-xml-tokenizer.js';

/** A body with no root element. */
export class XmlDecodeError extends Error {
  override name = 'XmlDecodeError';
}

const TEXT_KEY = '#text';
const ATTRIBUTE_PREFIX = '-';
const MXJ_TRIMMED = '\t\r\b\n ';

/** One element being read: mxj's `n` (the simple value) and `na` (attributes and children). */
interface OpenElement {
  key: string;
  simple: string | undefined;
  members: Map<string, JsonValue>;
}

/** mxj `NewMapXmlReader` as krakend-xml's decoder calls it. */
export function decodeXml(body: string | Uint8Array): JsonObject {
  const tokens = new GoXmlTokenizer(typeof body === 'string' ? body : xmlBytesToText(body));
  const open: OpenElement[] = [];
  for (;;) {
    const token = tokens.next();
    if (token === null) throw new XmlDecodeError('EOF');
    if (token.kind === 'start') {
      const members = new Map<string, JsonValue>();
      for (const attr of token.attrs) members.set(ATTRIBUTE_PREFIX + attr.name.local, attr.value);
      open.push({ key: token.name.local, simple: undefined, members });
    } else if (token.kind === 'text') {
      const element = open.at(-1);
      const text = trimMxj(token.data);
      if (element === undefined || text === '') continue;
      if (element.members.size > 0) element.members.set(TEXT_KEY, text);
      else element.simple = text;
    } else if (token.kind === 'end') {
      const element = open.pop();
      if (element === undefined) continue; // the tokenizer rejects an unmatched end tag
      const value = closeElement(element);
      const parent = open.at(-1);
      if (parent === undefined) return objectFrom(new Map([[element.key, value]]));
      addMember(parent, element.key, value);
    }
  }
}

function closeElement(element: OpenElement): JsonValue {
  if (element.simple === undefined) return element.members.size > 0 ? objectFrom(element.members) : '';
  if (element.members.size === 0) return element.simple;
  // Text before the first child: mxj moves it to #text, over any later text.
  element.members.set(TEXT_KEY, element.simple);
  return objectFrom(element.members);
}

function addMember(parent: OpenElement, key: string, value: JsonValue): void {
  const existing = parent.members.get(key);
  if (existing === undefined) parent.members.set(key, value);
  else if (Array.isArray(existing)) existing.push(value);
  else parent.members.set(key, [existing, value]);
}

/** A plain object from the map, with `__proto__` kept as an ordinary own key. */
function objectFrom(members: Map<string, JsonValue>): JsonObject {
  const object: JsonObject = {};
  for (const [key, value] of members) {
    if (key === '__proto__') Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
    else object[key] = value;
  }
  return object;
}

function trimMxj(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && MXJ_TRIMMED.includes(s.charAt(start))) start++;
  while (end > start && MXJ_TRIMMED.includes(s.charAt(end - 1))) end--;
  return s.slice(start, end);
}
