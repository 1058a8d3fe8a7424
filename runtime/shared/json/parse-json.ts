/**
 * Reads JSON as Lura does (Go's encoding/json Decoder with UseNumber), losing nothing
 * that Go would keep: numbers whose text would not come back out of a JS number are
 * boxed in JsonNumber, \u escapes of lone surrogates become U+FFFD, and errors read
 * like Go's. JSON.parse is used whenever it gives the same result, which is the
 * common case; a hand-written parser covers the rest and produces the Go errors.
 */
import { JsonNumber, type JsonObject, type JsonValue } from './json-number.js';

/** One complete JSON text; anything but whitespace after the value is an error. */
export function parseJson(text: string): JsonValue {
  if (nativeParseIsExact(text)) {
    try {
      return JSON.parse(text) as JsonValue;
    } catch {
      // Reparse below, only to throw Go's message instead of V8's.
    }
  }
  const parser = new ExactParser(text);
  const value = parser.readValue();
  parser.expectEnd();
  return value;
}

/**
 * The first JSON value of a backend body, as json.Decoder.Decode reads it: whatever
 * follows a complete value (a newline, a second document, garbage) is never looked at.
 */
export function decodeFirstJsonValue(text: string): JsonValue {
  if (nativeParseIsExact(text)) {
    try {
      return JSON.parse(text) as JsonValue;
    } catch {
      // Trailing data or a syntax error: the exact parser tells them apart.
    }
  }
  return new ExactParser(text).readValue();
}

/** Go's scanner refuses nesting deeper than this. */
const MAX_DEPTH = 10000;

const EOF = -1;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const PLUS = 0x2b;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const COLON = 0x3a;
const UPPER_E = 0x45;
const OPEN_BRACKET = 0x5b;
const BACKSLASH = 0x5c;
const CLOSE_BRACKET = 0x5d;
const LOWER_E = 0x65;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

function isDigit(c: number): boolean {
  return c >= DIGIT_0 && c <= DIGIT_9;
}

/**
 * JSON.parse matches Go unless a number would change its text, a \u escape may name a
 * lone surrogate (Go substitutes U+FFFD), or nesting passes Go's limit. One pass over
 * the text, jumping over string contents, decides; false positives only cost speed.
 */
function nativeParseIsExact(text: string): boolean {
  if (SURROGATE_ESCAPE.test(text)) return false;
  const length = text.length;
  let depth = 0;
  let i = 0;
  while (i < length) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = indexAfterString(text, i + 1);
    } else if (c === MINUS || isDigit(c)) {
      const start = i;
      for (i++; i < length; i++) {
        const d = text.charCodeAt(i);
        if (!isDigit(d) && d !== DOT && d !== LOWER_E && d !== UPPER_E && d !== PLUS && d !== MINUS) break;
      }
      if (!isCanonicalNumber(text, start, i)) return false;
    } else {
      if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (++depth > MAX_DEPTH) return false;
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        depth--;
      }
      i++;
    }
  }
  return true;
}

/**
 * Whether a JS number prints the literal text[start, end) back unchanged, so it needs no
 * JsonNumber. Up to 15 significant digits a double gives back the same shortest digits, so
 * the common literals are settled without converting; the rest (signed zero, trailing
 * zeros, exponents, small or long values) take the exact test.
 */
function isCanonicalNumber(text: string, start: number, end: number): boolean {
  const first = text.charCodeAt(start) === MINUS ? start + 1 : start;
  const lead = text.charCodeAt(first);
  let dot = -1;
  let plain = end - first <= 16 && isDigit(lead);
  for (let i = first; plain && i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === DOT && dot === -1) dot = i;
    else if (!isDigit(c)) plain = false;
  }
  if (plain) {
    if (dot === -1) {
      if (end - first <= 15 && (lead !== DIGIT_0 || (end - first === 1 && first === start))) return true;
    } else {
      const last = text.charCodeAt(end - 1);
      const atLeastOneTenth = lead !== DIGIT_0 || (dot === first + 1 && text.charCodeAt(dot + 1) !== DIGIT_0);
      if (atLeastOneTenth && last !== DIGIT_0 && last !== DOT) return true;
    }
  }
  const literal = text.slice(start, end);
  return String(Number(literal)) === literal;
}

/** Index just past the closing quote of a string whose contents start at `from`. */
function indexAfterString(text: string, from: number): number {
  let quote = text.indexOf('"', from);
  while (quote !== -1) {
    let backslashes = 0;
    for (let k = quote - 1; k >= from && text.charCodeAt(k) === BACKSLASH; k--) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    quote = text.indexOf('"', quote + 1);
  }
  return text.length;
}

/** Keeps `__proto__` an ordinary own key, as JSON.parse and Go's maps do. */
function setMember(members: JsonObject, key: string, value: JsonValue): void {
  if (key === '__proto__') {
    Object.defineProperty(members, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    members[key] = value;
  }
}

type OpenContainer = { kind: 'array'; items: JsonValue[] } | { kind: 'object'; members: JsonObject; key: string };

/** Go's scanner shows the offending byte with strconv.Quote, one byte of UTF-8 at a time. */
function quoteByte(code: number): string {
  if (code === 0x27) return `'\\''`;
  if (code === QUOTE) return `'"'`;
  if (code >= 0x80) return `'${String.fromCharCode(firstUtf8Byte(code))}'`;
  switch (code) {
    case 0x07:
      return `'\\a'`;
    case 0x08:
      return `'\\b'`;
    case 0x0c:
      return `'\\f'`;
    case LF:
      return `'\\n'`;
    case CR:
      return `'\\r'`;
    case TAB:
      return `'\\t'`;
    case 0x0b:
      return `'\\v'`;
    case BACKSLASH:
      return `'\\\\'`;
  }
  if (code < SPACE || code === 0x7f) return `'\\x${code.toString(16).padStart(2, '0')}'`;
  return `'${String.fromCharCode(code)}'`;
}

/** Go's error names the lead byte, which it prints as the Latin-1 character of that value. */
function firstUtf8Byte(unit: number): number {
  if (unit < 0x800) return 0xc0 | (unit >> 6);
  if (unit >= 0xd800 && unit <= 0xdbff) return 0xf0 | ((unit - 0xd800 + 0x40) >> 8);
  if (unit >= 0xdc00 && unit <= 0xdfff) return 0xef; // unpaired: Go would have read U+FFFD
  return 0xe0 | (unit >> 12);
}

class ExactParser {
  private pos = 0;

  constructor(private readonly text: string) {}

  /** Reads one value and stops right after it, leaving any trailing text unread. */
  readValue(): JsonValue {
    const open: OpenContainer[] = [];
    let value: JsonValue;
    nextValue: for (;;) {
      this.skipWhitespace();
      const c = this.peek();
      if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (open.length >= MAX_DEPTH) throw this.syntaxError(c, 'exceeded max depth');
        this.pos++;
        this.skipWhitespace();
        if (c === OPEN_BRACE) {
          if (this.peek() === CLOSE_BRACE) {
            this.pos++;
            value = {};
          } else {
            open.push({ kind: 'object', members: {}, key: this.readKey() });
            continue nextValue;
          }
        } else if (this.peek() === CLOSE_BRACKET) {
          this.pos++;
          value = [];
        } else {
          open.push({ kind: 'array', items: [] });
          continue nextValue;
        }
      } else if (c === EOF && open.length === 0) {
        throw new Error('EOF'); // io.EOF: the body held nothing but whitespace
      } else {
        value = this.readScalar(c);
      }

      // Hand the finished value to its container; closing a container finishes it in turn.
      for (;;) {
        const parent = open[open.length - 1];
        if (parent === undefined) return value;
        this.skipWhitespace();
        const separator = this.peek();
        if (parent.kind === 'array') {
          parent.items.push(value);
          if (separator === COMMA) {
            this.pos++;
            continue nextValue;
          }
          if (separator !== CLOSE_BRACKET) throw this.syntaxError(separator, 'after array element');
          value = parent.items;
        } else {
          setMember(parent.members, parent.key, value);
          if (separator === COMMA) {
            this.pos++;
            this.skipWhitespace();
            parent.key = this.readKey();
            continue nextValue;
          }
          if (separator !== CLOSE_BRACE) throw this.syntaxError(separator, 'after object key:value pair');
          value = parent.members;
        }
        this.pos++;
        open.pop();
      }
    }
  }

  /** What json.Unmarshal adds to the decoder: only whitespace may follow the value. */
  expectEnd(): void {
    this.skipWhitespace();
    const c = this.peek();
    if (c !== EOF) throw this.syntaxError(c, 'after top-level value');
  }

  private peek(): number {
    return this.pos < this.text.length ? this.text.charCodeAt(this.pos) : EOF;
  }

  private skipWhitespace(): void {
    const text = this.text;
    let pos = this.pos;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c !== SPACE && c !== LF && c !== CR && c !== TAB) break;
      pos++;
    }
    this.pos = pos;
  }

  private syntaxError(c: number, context: string): Error {
    if (c === EOF) return new Error('unexpected EOF');
    return new Error(`invalid character ${quoteByte(c)} ${context}`);
  }

  /** An object key and its colon; whitespace before the key is already skipped. */
  private readKey(): string {
    const c = this.peek();
    if (c !== QUOTE) throw this.syntaxError(c, 'looking for beginning of object key string');
    const key = this.readString();
    this.skipWhitespace();
    const colon = this.peek();
    if (colon !== COLON) throw this.syntaxError(colon, 'after object key');
    this.pos++;
    return key;
  }

  private readScalar(c: number): JsonValue {
    if (c === QUOTE) return this.readString();
    if (c === MINUS || isDigit(c)) return this.readNumber();
    if (c === 0x74) return this.readLiteral('true', true);
    if (c === 0x66) return this.readLiteral('false', false);
    if (c === 0x6e) return this.readLiteral('null', null);
    throw this.syntaxError(c, 'looking for beginning of value');
  }

  private readLiteral<T extends JsonValue>(word: string, value: T): T {
    for (let i = 1; i < word.length; i++) {
      const c = this.text.charCodeAt(this.pos + i);
      if (c !== word.charCodeAt(i)) {
        this.pos += i;
        throw this.syntaxError(this.peek(), `in literal ${word} (expecting '${word[i]}')`);
      }
    }
    this.pos += word.length;
    return value;
  }

  private readNumber(): number | JsonNumber {
    const text = this.text;
    const start = this.pos;
    let pos = start;
    let c = text.charCodeAt(pos);
    if (c === MINUS) c = text.charCodeAt(++pos);
    if (c === DIGIT_0) {
      pos++;
    } else if (isDigit(c)) {
      do pos++;
      while (isDigit(text.charCodeAt(pos)));
    } else {
      this.pos = pos;
      throw this.syntaxError(this.peek(), 'in numeric literal');
    }
    if (text.charCodeAt(pos) === DOT) {
      pos++;
      if (!isDigit(text.charCodeAt(pos))) {
        this.pos = pos;
        throw this.syntaxError(this.peek(), 'after decimal point in numeric literal');
      }
      do pos++;
      while (isDigit(text.charCodeAt(pos)));
    }
    c = text.charCodeAt(pos);
    if (c === LOWER_E || c === UPPER_E) {
      c = text.charCodeAt(++pos);
      if (c === PLUS || c === MINUS) pos++;
      if (!isDigit(text.charCodeAt(pos))) {
        this.pos = pos;
        throw this.syntaxError(this.peek(), 'in exponent of numeric literal');
      }
      do pos++;
      while (isDigit(text.charCodeAt(pos)));
    }
    this.pos = pos;
    const literal = text.slice(start, pos);
    return isCanonicalNumber(text, start, pos) ? Number(literal) : new JsonNumber(literal);
  }

  /** Reads a string starting at its opening quote. */
  private readString(): string {
    const text = this.text;
    let pos = this.pos + 1;
    let decoded = '';
    let chunkStart = pos;
    for (;;) {
      const c = pos < text.length ? text.charCodeAt(pos) : EOF;
      if (c === QUOTE) {
        this.pos = pos + 1;
        return decoded + text.slice(chunkStart, pos);
      }
      if (c === BACKSLASH) {
        decoded += text.slice(chunkStart, pos);
        this.pos = pos + 1;
        decoded += this.readEscape();
        pos = chunkStart = this.pos;
      } else if (c < SPACE) {
        this.pos = pos;
        throw this.syntaxError(c, 'in string literal');
      } else {
        pos++;
      }
    }
  }

  /** Decodes the escape after a backslash, as Go's unquote does, including its U+FFFD for lone surrogates. */
  private readEscape(): string {
    const c = this.peek();
    this.pos++;
    switch (c) {
      case QUOTE:
        return '"';
      case BACKSLASH:
        return '\\';
      case 0x2f:
        return '/';
      case 0x62:
        return '\b';
      case 0x66:
        return '\f';
      case 0x6e:
        return '\n';
      case 0x72:
        return '\r';
      case 0x74:
        return '\t';
      case 0x75: {
        const unit = this.readHex4();
        if (unit < 0xd800 || unit > 0xdfff) return String.fromCharCode(unit);
        if (unit <= 0xdbff) {
          const low = this.lowSurrogateEscapeAt(this.pos);
          if (low !== -1) {
            this.pos += 6;
            return String.fromCharCode(unit, low);
          }
        }
        return '\ufffd';
      }
      default:
        this.pos--;
        throw this.syntaxError(c, 'in string escape code');
    }
  }

  private readHex4(): number {
    let unit = 0;
    for (let i = 0; i < 4; i++) {
      const digit = hexValue(this.peek());
      if (digit === -1) throw this.syntaxError(this.peek(), 'in \\u hexadecimal character escape');
      unit = unit * 16 + digit;
      this.pos++;
    }
    return unit;
  }

  /** The low surrogate named by a `\uXXXX` at `at`, or -1 if there is none. */
  private lowSurrogateEscapeAt(at: number): number {
    const text = this.text;
    if (text.charCodeAt(at) !== BACKSLASH || text.charCodeAt(at + 1) !== 0x75) return -1;
    let unit = 0;
    for (let i = 2; i < 6; i++) {
      const digit = hexValue(text.charCodeAt(at + i));
      if (digit === -1) return -1;
      unit = unit * 16 + digit;
    }
    return unit >= 0xdc00 && unit <= 0xdfff ? unit : -1;
  }
}

function hexValue(c: number): number {
  if (c >= DIGIT_0 && c <= DIGIT_9) return c - DIGIT_0;
  const lower = c | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}
