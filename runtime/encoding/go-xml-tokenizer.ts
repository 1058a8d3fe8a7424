/**
 * Why this exists: mxj builds its map from the tokens of Go's encoding/xml
 * `Decoder.Token()` in strict mode, and those tokens shape the result: text is split
 * by comments, CDATA sections and processing instructions (mxj keeps the last
 * piece), entities and character references are resolved, `\r\n` becomes `\n`, and
 * many inputs that lenient parsers accept are errors. This tokenizer reproduces
 * `Token()` over a JS string: same token boundaries, same unescaping, same errors
 * (messages follow Go's, line numbers are approximate).
 *
 * Not reproduced: switching charsets on `<?xml encoding=...?>` (see
 * xml-bytes-to-text.ts; a string is taken as already decoded).
 */
import { isXmlName } from './xml-name-chars.js';

export interface XmlName {
  /** The prefix as written, translated to its namespace URL once the token is returned. */
  space: string;
  local: string;
}

export interface XmlAttr {
  name: XmlName;
  value: string;
}

export type XmlToken =
  | { kind: 'start'; name: XmlName; attrs: XmlAttr[] }
  | { kind: 'end'; name: XmlName }
  | { kind: 'text'; data: string }
  | { kind: 'comment' }
  | { kind: 'procinst'; target: string; data: string }
  | { kind: 'directive' };

/** Go's `*xml.SyntaxError`, or one of the decoder's plain errors (version). */
export class XmlSyntaxError extends Error {
  override name = 'XmlSyntaxError';
}

const EOF = -1;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const BANG = 0x21;
const QUOT = 0x22;
const HASH = 0x23;
const AMP = 0x26;
const APOS = 0x27;
const DASH = 0x2d;
const SLASH = 0x2f;
const SEMICOLON = 0x3b;
const LT = 0x3c;
const EQUALS = 0x3d;
const GT = 0x3e;
const QUESTION = 0x3f;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const LOWER_X = 0x78;

const XML_NAMESPACE_URL = 'http://www.w3.org/XML/1998/namespace';

/** Characters allowed by XML 1.0's Char production; anything else is an error. */
const OUTSIDE_CHAR_RANGE = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

type StackEntry =
  | { kind: 'element'; name: XmlName }
  | { kind: 'namespace'; prefix: string; previous: string | undefined };

export class GoXmlTokenizer {
  private pos = 0;
  private pendingEnd: XmlName | null = null;
  private readonly namespaces = new Map<string, string>();
  private readonly stack: StackEntry[] = [];
  private openElements = 0;

  constructor(private readonly src: string) {}

  /** `Decoder.Token()`: the next token, or null at the end of input with nothing open. */
  next(): XmlToken | null {
    const token = this.rawToken();
    if (token === null) {
      if (this.openElements > 0) throw this.syntaxError('unexpected EOF');
      return null;
    }
    if (token.kind === 'start') {
      // The element's own declarations apply to its name and attributes.
      for (const attr of token.attrs) {
        if (attr.name.space === 'xmlns') this.declare(attr.name.local, attr.value);
        if (attr.name.space === '' && attr.name.local === 'xmlns') this.declare('', attr.value);
      }
      this.translate(token.name, true);
      for (const attr of token.attrs) this.translate(attr.name, false);
      this.stack.push({ kind: 'element', name: { ...token.name } });
      this.openElements++;
    } else if (token.kind === 'end') {
      this.translate(token.name, true);
      this.popElement(token.name);
    }
    return token;
  }

  private declare(prefix: string, url: string): void {
    this.stack.push({ kind: 'namespace', prefix, previous: this.namespaces.get(prefix) });
    this.namespaces.set(prefix, url);
  }

  private translate(name: XmlName, isElementName: boolean): void {
    if (name.space === 'xmlns') return;
    if (name.space === '' && !isElementName) return;
    if (name.space === 'xml') name.space = XML_NAMESPACE_URL;
    else if (name.space === '' && name.local === 'xmlns') return;
    const url = this.namespaces.get(name.space);
    if (url !== undefined) name.space = url;
  }

  private popElement(name: XmlName): void {
    const top = this.stack.pop();
    if (top === undefined || top.kind !== 'element') {
      throw this.syntaxError(`unexpected end element </${name.local}>`);
    }
    if (top.name.local !== name.local) {
      throw this.syntaxError(`element <${top.name.local}> closed by </${name.local}>`);
    }
    if (top.name.space !== name.space) {
      throw this.syntaxError(
        `element <${top.name.local}> in space ${top.name.space}closed by </${name.local}> in space ${name.space}`,
      );
    }
    this.openElements--;
    // Undo the namespace declarations made by the element just closed.
    for (let entry = this.stack.at(-1); entry?.kind === 'namespace'; entry = this.stack.at(-1)) {
      this.stack.pop();
      if (entry.previous === undefined) this.namespaces.delete(entry.prefix);
      else this.namespaces.set(entry.prefix, entry.previous);
    }
  }

  /** `Decoder.rawToken()`: null at the end of input. */
  private rawToken(): XmlToken | null {
    if (this.pendingEnd !== null) {
      const name = this.pendingEnd;
      this.pendingEnd = null;
      return { kind: 'end', name };
    }
    const first = this.getc();
    if (first === EOF) return null;
    if (first !== LT) {
      this.pos--;
      return { kind: 'text', data: this.text(-1, false) };
    }
    const b = this.mustgetc();
    if (b === SLASH) return this.endElement();
    if (b === QUESTION) return this.processingInstruction();
    if (b === BANG) return this.bang();
    this.pos--;
    return this.startElement();
  }

  private endElement(): XmlToken {
    const name = this.nsname();
    if (name === null) throw this.syntaxError('expected element name after </');
    this.space();
    if (this.mustgetc() !== GT) throw this.syntaxError(`invalid characters between </${name.local} and >`);
    return { kind: 'end', name };
  }

  private processingInstruction(): XmlToken {
    const target = this.name();
    if (target === null) throw this.syntaxError('expected target name after <?');
    this.space();
    const start = this.pos;
    let b0 = 0;
    for (;;) {
      const b = this.mustgetc();
      if (b0 === QUESTION && b === GT) break;
      b0 = b;
    }
    const data = this.src.slice(start, this.pos - 2);
    if (target === 'xml') {
      const version = procInstParam('version', data);
      if (version !== '' && version !== '1.0') {
        throw new XmlSyntaxError(`xml: unsupported version "${version}"; only version 1.0 is supported`);
      }
    }
    return { kind: 'procinst', target, data };
  }

  /** After `<!`: a comment, a CDATA section or a directive. */
  private bang(): XmlToken {
    const b = this.mustgetc();
    if (b === DASH) {
      if (this.mustgetc() !== DASH) throw this.syntaxError('invalid sequence <!- not part of <!--');
      let b0 = 0;
      let b1 = 0;
      for (;;) {
        const c = this.mustgetc();
        if (b0 === DASH && b1 === DASH) {
          if (c !== GT) throw this.syntaxError('invalid sequence "--" not allowed in comments');
          break;
        }
        b0 = b1;
        b1 = c;
      }
      return { kind: 'comment' };
    }
    if (b === LBRACKET) {
      for (const expected of 'CDATA[') {
        if (this.mustgetc() !== expected.charCodeAt(0)) throw this.syntaxError('invalid <![ sequence');
      }
      return { kind: 'text', data: this.text(-1, true) };
    }
    this.directive();
    return { kind: 'directive' };
  }

  /** Skips `<!DOCTYPE ...>` and the like: quotes and nested `<...>` and comments count. */
  private directive(): void {
    let inquote = 0;
    let depth = 0;
    for (;;) {
      let b = this.mustgetc();
      if (inquote === 0 && b === GT && depth === 0) return;
      for (;;) {
        if (b === inquote) {
          inquote = 0;
        } else if (inquote !== 0) {
          // quoted: nothing special
        } else if (b === APOS || b === QUOT) {
          inquote = b;
        } else if (b === GT) {
          depth--;
        } else if (b === LT) {
          let comment = true;
          for (const expected of '!--') {
            b = this.mustgetc();
            if (b !== expected.charCodeAt(0)) {
              comment = false;
              break;
            }
          }
          if (!comment) {
            depth++;
            continue; // handle the byte that broke the `<!--` match
          }
          let c0 = 0;
          let c1 = 0;
          for (;;) {
            const c = this.mustgetc();
            if (c0 === DASH && c1 === DASH && c === GT) break;
            c0 = c1;
            c1 = c;
          }
        }
        break;
      }
    }
  }

  private startElement(): XmlToken {
    const name = this.nsname();
    if (name === null) throw this.syntaxError('expected element name after <');
    const attrs: XmlAttr[] = [];
    let empty = false;
    for (;;) {
      this.space();
      const b = this.mustgetc();
      if (b === SLASH) {
        if (this.mustgetc() !== GT) throw this.syntaxError('expected /> in element');
        empty = true;
        break;
      }
      if (b === GT) break;
      this.pos--;
      const attrName = this.nsname();
      if (attrName === null) throw this.syntaxError('expected attribute name in element');
      this.space();
      if (this.mustgetc() !== EQUALS) throw this.syntaxError('attribute name without = in element');
      this.space();
      const quote = this.mustgetc();
      if (quote !== QUOT && quote !== APOS) throw this.syntaxError('unquoted or missing attribute value in element');
      attrs.push({ name: attrName, value: this.text(quote, false) });
    }
    if (empty) this.pendingEnd = { ...name };
    return { kind: 'start', name, attrs };
  }

  /**
   * `Decoder.text`: character data up to `<` (or the closing quote, or `]]>` in
   * CDATA), with entities resolved and `\r\n` / `\r` turned into `\n`.
   */
  private text(quote: number, cdata: boolean): string {
    const src = this.src;
    let out = '';
    let runStart = this.pos;
    let b0 = 0;
    let b1 = 0;
    for (;;) {
      if (this.pos >= src.length) {
        if (cdata) throw this.syntaxError('unexpected EOF in CDATA section');
        out += src.slice(runStart, this.pos);
        break;
      }
      const at = this.pos;
      const b = src.charCodeAt(this.pos++);
      if (b0 === RBRACKET && b1 === RBRACKET && b === GT) {
        if (!cdata) throw this.syntaxError('unescaped ]]> not in CDATA section');
        out += src.slice(runStart, at - 2);
        break;
      }
      if (b === LT && !cdata) {
        if (quote >= 0) throw this.syntaxError('unescaped < inside quoted string');
        this.pos = at;
        out += src.slice(runStart, at);
        break;
      }
      if (quote >= 0 && b === quote) {
        out += src.slice(runStart, at);
        break;
      }
      if (b === AMP && !cdata) {
        out += src.slice(runStart, at) + this.entity(at);
        runStart = this.pos;
        b0 = 0;
        b1 = 0;
        continue;
      }
      if (b === CR) {
        out += src.slice(runStart, at) + '\n';
        runStart = this.pos;
      } else if (b1 === CR && b === LF) {
        runStart = this.pos; // the \n was already written for the \r
      }
      b0 = b1;
      b1 = b;
    }
    const bad = OUTSIDE_CHAR_RANGE.exec(out);
    if (bad !== null) {
      const cp = bad[0].codePointAt(0) ?? 0;
      if (cp >= 0xd800 && cp <= 0xdfff) throw this.syntaxError('invalid UTF-8');
      throw this.syntaxError(`illegal character code U+${cp.toString(16).toUpperCase().padStart(4, '0')}`);
    }
    return out;
  }

  /** After `&`: a character reference or one of the five predefined entities. */
  private entity(start: number): string {
    let resolved: string | undefined;
    let b = this.mustgetc();
    if (b === HASH) {
      b = this.mustgetc();
      let base = 10;
      if (b === LOWER_X) {
        base = 16;
        b = this.mustgetc();
      }
      const digitsStart = this.pos - 1;
      while (isDigitIn(b, base)) b = this.mustgetc();
      if (b !== SEMICOLON) {
        this.pos--;
      } else {
        const cp = parseCodePoint(this.src.slice(digitsStart, this.pos - 1), base);
        if (cp !== undefined) resolved = cp >= 0xd800 && cp <= 0xdfff ? '\uFFFD' : String.fromCodePoint(cp);
      }
    } else {
      this.pos--;
      const nameStart = this.pos;
      this.readName();
      const nameEnd = this.pos;
      if (this.mustgetc() !== SEMICOLON) {
        this.pos--;
      } else {
        const name = this.src.slice(nameStart, nameEnd);
        if (isXmlName(name)) resolved = PREDEFINED_ENTITIES.get(name);
      }
    }
    if (resolved !== undefined) return resolved;
    let written = this.src.slice(start, this.pos);
    if (!written.endsWith(';')) written += ' (no semicolon)';
    throw this.syntaxError(`invalid character entity ${written}`);
  }

  /** `Decoder.nsname`: a name split at its one colon; null (no error) if there is none. */
  private nsname(): XmlName | null {
    const s = this.name();
    if (s === null) return null;
    const colon = s.indexOf(':');
    if (colon >= 0 && s.indexOf(':', colon + 1) >= 0) return null;
    if (colon <= 0 || colon === s.length - 1) return { space: '', local: s };
    return { space: s.slice(0, colon), local: s.slice(colon + 1) };
  }

  /** `Decoder.name`: null (no error) if no name starts here; an error if it is not valid. */
  private name(): string | null {
    const start = this.pos;
    if (!this.readName()) return null;
    const s = this.src.slice(start, this.pos);
    if (!isXmlName(s)) throw this.syntaxError(`invalid XML name: ${s}`);
    return s;
  }

  /** `Decoder.readName`: ASCII name bytes and any non-ASCII character. */
  private readName(): boolean {
    let b = this.mustgetc();
    if (b < 0x80 && !isNameByte(b)) {
      this.pos--;
      return false;
    }
    for (;;) {
      b = this.mustgetc();
      if (b < 0x80 && !isNameByte(b)) {
        this.pos--;
        return true;
      }
    }
  }

  private space(): void {
    const src = this.src;
    for (;;) {
      const b = src.charCodeAt(this.pos);
      if (b !== SPACE && b !== CR && b !== LF && b !== TAB) return;
      this.pos++;
    }
  }

  private getc(): number {
    if (this.pos >= this.src.length) return EOF;
    return this.src.charCodeAt(this.pos++);
  }

  private mustgetc(): number {
    const b = this.getc();
    if (b === EOF) throw this.syntaxError('unexpected EOF');
    return b;
  }

  private syntaxError(message: string): XmlSyntaxError {
    let line = 1;
    for (let i = this.src.indexOf('\n'); i >= 0 && i < this.pos; i = this.src.indexOf('\n', i + 1)) line++;
    return new XmlSyntaxError(`XML syntax error on line ${line}: ${message}`);
  }
}

const PREDEFINED_ENTITIES = new Map([
  ['lt', '<'],
  ['gt', '>'],
  ['amp', '&'],
  ['apos', "'"],
  ['quot', '"'],
]);

function isNameByte(c: number): boolean {
  return (
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0x30 && c <= 0x39) ||
    c === 0x5f ||
    c === 0x3a ||
    c === 0x2e ||
    c === DASH
  );
}

function isDigitIn(c: number, base: number): boolean {
  if (c >= 0x30 && c <= 0x39) return true;
  return base === 16 && ((c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46));
}

/** `strconv.ParseUint(digits, base)` limited to runes: undefined when empty or above U+10FFFF. */
function parseCodePoint(digits: string, base: number): number | undefined {
  if (digits === '') return undefined;
  let value = 0;
  for (const digit of digits) {
    value = value * base + parseInt(digit, base);
    if (value > 0x10ffff) return undefined;
  }
  return value;
}

/** Go's `procInst`: the quoted value of `param=` in a processing instruction, or "". */
export function procInstParam(param: string, content: string): string {
  const key = `${param}=`;
  let i = 0;
  let quote = '';
  while (i < content.length) {
    const sub = content.slice(i);
    const k = sub.indexOf(key);
    if (k < 0 || key.length + k >= sub.length) return '';
    i += key.length + k + 1;
    const c = sub[key.length + k];
    if (c === "'" || c === '"') {
      quote = c;
      break;
    }
  }
  if (quote === '') return '';
  const j = content.indexOf(quote, i);
  return j < 0 ? '' : content.slice(i, j);
}
