/**
 * Why this exists: KrakenD CE's `xml` output encoding (krakend-xml's gin render)
 * writes `Data` with mxj v2's `Map.Xml()` after `mxj.XMLEscapeChars(true)`. This
 * reproduces that writer byte for byte:
 *
 * - One top-level key becomes the root element, unless its value is a list with a
 *   non-object member; otherwise (zero or several keys) the root is `<doc>`. A single
 *   key holding a list of objects writes one root per member, as mxj does.
 * - Keys are sorted in Go byte order. A key `-name` (longer than `-`) is an
 *   attribute of its parent; `#text` is the element text. Element and attribute
 *   names are written as they are, never escaped or checked.
 * - A list writes one element per member under its key (nested lists flatten); an
 *   empty list, an empty object, an object of attributes only, null and "" write
 *   `<k/>` (with the attributes).
 * - String values are escaped (`& < > " '`); numbers, booleans and `JsonNumber`
 *   are not. See plain-number-kind.ts for how a plain JS number is printed.
 * - No XML declaration, no whitespace.
 *
 * An attribute whose value is an object, a list or null is an error in mxj: the
 * render then writes nothing (KrakenD answers with the status and Content-Type and
 * an empty body). `encodeXml` throws `XmlEncodeError` for it.
 */
import { isJsonObject, JsonNumber, type JsonObject, type JsonValue } from '../shared/json/json-number.js';
import { compareUtf8 } from '../shared/json/utf8-order.js';
import { goSprintV, plainNumberText } from './go-sprint-v.js';
import type { PlainNumberKind } from './plain-number-kind.js';
import { wellFormed } from './well-formed-string.js';

export interface EncodeXmlOptions {
  /** How a plain JS number is printed; `json-number` unless the data came from config. */
  plainNumbers?: PlainNumberKind;
}

/** The error mxj returns; KrakenD then writes an empty body. */
export class XmlEncodeError extends Error {
  override name = 'XmlEncodeError';
}

const DEFAULT_ROOT = 'doc';
const TEXT_KEY = '#text';

/** mxj `Map(data).Xml()` as krakend-xml's render calls it. */
export function encodeXml(data: JsonObject, options: EncodeXmlOptions = {}): string {
  const writer = new MxjWriter(options.plainNumbers ?? 'json-number');
  const keys = Object.keys(data);
  const only = keys.length === 1 ? keys[0] : undefined;
  if (only === undefined) {
    writer.element(DEFAULT_ROOT, data);
  } else {
    const value = data[only] ?? null;
    if (Array.isArray(value) && !value.every(isJsonObject)) writer.element(DEFAULT_ROOT, data);
    else writer.element(only, value);
  }
  return writer.out.join('');
}

class MxjWriter {
  readonly out: string[] = [];

  constructor(private readonly plainNumbers: PlainNumberKind) {}

  element(key: string, value: JsonValue): void {
    const name = wellFormed(key);
    if (value === null) {
      this.out.push(`<${name}/>`);
    } else if (typeof value === 'string') {
      const text = escapeXml(value);
      this.out.push(text === '' ? `<${name}/>` : `<${name}>${text}</${name}>`);
    } else if (Array.isArray(value)) {
      if (value.length === 0) this.out.push(`<${name}/>`);
      for (const member of value) this.element(key, member);
    } else if (isJsonObject(value)) {
      this.object(name, value);
    } else {
      this.out.push(`<${name}>${this.scalar(value)}</${name}>`);
    }
  }

  private object(name: string, object: JsonObject): void {
    const keys = Object.keys(object);
    const attributes: [string, string][] = [];
    const children: string[] = [];
    let hasText = false;
    for (const key of keys) {
      if (key.length > 1 && key.startsWith('-')) attributes.push([wellFormed(key.slice(1)), this.attributeValue(key, object[key] ?? null)]);
      else if (key === TEXT_KEY) hasText = true;
      else children.push(key);
    }
    attributes.sort((a, b) => compareUtf8(a[0], b[0]));
    this.out.push(`<${name}`);
    for (const [attribute, value] of attributes) this.out.push(` ${attribute}="${value}"`);
    if (attributes.length === keys.length) {
      this.out.push('/>');
      return;
    }
    this.out.push('>');
    if (hasText) this.out.push(this.text(object[TEXT_KEY] ?? null));
    children.sort(compareUtf8);
    for (const child of children) this.element(child, object[child] ?? null);
    this.out.push(`</${name}>`);
  }

  private attributeValue(key: string, value: JsonValue): string {
    if (typeof value === 'string') return escapeXml(value);
    if (value === null || Array.isArray(value) || isJsonObject(value)) {
      throw new XmlEncodeError(`invalid attribute value for: ${key}:<${goTypeName(value)}>`);
    }
    return this.scalar(value);
  }

  /** `#text`: an escaped string, anything else through `%v`. */
  private text(value: JsonValue): string {
    return typeof value === 'string' ? escapeXml(value) : goSprintV(value, this.plainNumbers);
  }

  private scalar(value: number | boolean | JsonNumber): string {
    if (typeof value === 'boolean') return value ? 'true' : 'false';
    if (value instanceof JsonNumber) return value.text;
    return plainNumberText(value, this.plainNumbers);
  }
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const XML_SPECIALS = /[&<>"']/g;

/** mxj's `escapeChars`: only these five characters, nothing else. */
function escapeXml(s: string): string {
  const text = wellFormed(s);
  return text.replace(XML_SPECIALS, (c) => XML_ESCAPES[c] ?? c);
}

function goTypeName(value: null | JsonValue[] | JsonObject): string {
  if (value === null) return '<nil>';
  return Array.isArray(value) ? '[]interface {}' : 'map[string]interface {}';
}
