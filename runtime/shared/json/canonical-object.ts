/**
 * A backend's JSON object kept as text when decoding and re-encoding it would
 * give the same bytes back (performance-anchors §5.3): whitespace aside, the
 * text must already be what encodeJson writes for the tree parse-json reads —
 * keys unique and in UTF-8 order at every depth, strings in Go's escaping,
 * numbers as they are (the decoder keeps every literal's text). Anything this
 * scan is unsure of returns null and the caller takes the tree path, so the
 * answer never depends on which path ran.
 */
import { sortByUtf8 } from './utf8-order.js';

/** The compact text of one object and where each top-level member's value lies in it. */
export interface CanonicalObject {
  /** `{…}` exactly as encodeJson would write the decoded object. */
  readonly text: string;
  /** Top-level keys in UTF-8 order, none needing an escape. */
  readonly keys: readonly string[];
  /** Value i is text.slice(starts[i], ends[i]). */
  readonly starts: readonly number[];
  readonly ends: readonly number[];
}

/** Deeper than this the tree path decides (Go's own limit is 10000 and has its own error). */
const MAX_DEPTH = 512;

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const COMMA = 0x2c;
const PLUS = 0x2b;
const MINUS = 0x2d;
const DOT = 0x2e;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const COLON = 0x3a;
const OPEN_BRACKET = 0x5b;
const BACKSLASH = 0x5c;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const UPPER_E = 0x45;
const LOWER_E = 0x65;

function isDigit(c: number): boolean {
  return c >= DIGIT_0 && c <= DIGIT_9;
}

/**
 * Orders two keys lying in `text` as Go orders their UTF-8 bytes. Keys here hold no
 * surrogates (the scan refuses them), and without surrogates UTF-16 unit order is
 * code point order, which is UTF-8 byte order.
 */
function compareRanges(text: string, aFrom: number, aTo: number, bFrom: number, bTo: number): number {
  const aLength = aTo - aFrom;
  const bLength = bTo - bFrom;
  const shorter = aLength < bLength ? aLength : bLength;
  for (let k = 0; k < shorter; k++) {
    const d = text.charCodeAt(aFrom + k) - text.charCodeAt(bFrom + k);
    if (d !== 0) return d;
  }
  return aLength - bLength;
}

/** A run of string characters Go writes unescaped (anything else ends the run and is looked at). */
const PLAIN_RUN = /[^"\\<>&\u0000-\u001f\u2028\u2029\ud800-\udfff]*/y;
/** Escapes Go writes the same way: the short forms, and \u00xx (lower-case hex) for the rest. */
const GO_ESCAPE = /\\(?:["\\bfnrt]|u00(?:0[0-7bef]|1[0-9a-f]|3c|3e|26)|u202[89])/y;


/**
 * Reads the first JSON value of `text` (what decodeFirstJsonValue reads; what
 * follows it is ignored, as there) and returns it as a CanonicalObject, or null
 * when the value is not an object or re-encoding could change a byte.
 */
export function canonicalObject(text: string): CanonicalObject | null {
  const s = new Scan(text);
  return s.object();
}

class Scan {
  private i = 0;
  /** Compact text of everything before `runStart`, once some whitespace has been dropped. */
  private compact = '';
  private runStart = 0;
  /** text offset - shift = offset in the compact text. */
  private shift = 0;

  constructor(private readonly text: string) {}

  object(): CanonicalObject | null {
    const text = this.text;
    this.skipWhitespace();
    if (text.charCodeAt(this.i) !== OPEN_BRACE) return null;
    const objectStart = this.i;
    this.compact = '';
    this.runStart = objectStart;
    this.shift = objectStart;
    const keys: string[] = [];
    const starts: number[] = [];
    const ends: number[] = [];
    // The open containers, innermost last: `{` or `[`, and for objects where the last key lies in the text.
    const kinds: number[] = [];
    const lastKeyFrom: number[] = [];
    const lastKeyTo: number[] = [];

    // Each turn reads one value (after `{`+key or `[` or `,`), then the separators after it.
    let c = OPEN_BRACE;
    for (;;) {
      if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (kinds.length >= MAX_DEPTH) return null;
        this.i++;
        this.skipWhitespace();
        const next = text.charCodeAt(this.i);
        if (next === (c === OPEN_BRACE ? CLOSE_BRACE : CLOSE_BRACKET)) {
          this.i++; // an empty container is a finished value
        } else if (c === OPEN_BRACE) {
          kinds.push(OPEN_BRACE);
          lastKeyFrom.push(-1);
          lastKeyTo.push(-1);
          if (!this.key(kinds.length - 1, lastKeyFrom, lastKeyTo, kinds.length === 1 ? keys : null)) return null;
          if (kinds.length === 1) starts.push(this.i - this.shift);
          c = text.charCodeAt(this.i);
          continue;
        } else {
          kinds.push(OPEN_BRACKET);
          lastKeyFrom.push(-1);
          lastKeyTo.push(-1);
          c = next;
          continue;
        }
      } else if (!this.scalar(c)) {
        return null;
      }

      // A value ended at this.i: close containers until one continues with `,`.
      for (;;) {
        const depth = kinds.length;
        if (depth === 0) return this.finish(objectStart, keys, starts, ends); // `{}`
        if (depth === 1) ends.push(this.i - this.shift);
        const kind = kinds[depth - 1];
        this.skipWhitespace();
        const sep = text.charCodeAt(this.i);
        if (sep === COMMA) {
          this.i++;
          this.skipWhitespace();
          if (kind === OPEN_BRACE) {
            if (!this.key(depth - 1, lastKeyFrom, lastKeyTo, depth === 1 ? keys : null)) return null;
            if (depth === 1) starts.push(this.i - this.shift);
          }
          c = text.charCodeAt(this.i);
          break;
        }
        if (sep !== (kind === OPEN_BRACE ? CLOSE_BRACE : CLOSE_BRACKET)) return null;
        this.i++;
        kinds.pop();
        lastKeyFrom.pop();
        lastKeyTo.pop();
        // The top-level object closed: its last member's end is recorded already.
        if (kinds.length === 0) return this.finish(objectStart, keys, starts, ends);
      }
    }
  }

  private finish(objectStart: number, keys: string[], starts: number[], ends: number[]): CanonicalObject {
    const end = this.i;
    const text = this.runStart === objectStart ? this.text.slice(objectStart, end) : this.compact + this.text.slice(this.runStart, end);
    return { text, keys, starts, ends };
  }

  /**
   * An object key, its colon and the whitespace after it; false unless the key is
   * plain text (no escapes), after the previous key in UTF-8 order, and — at the top
   * level, where merging looks keys up — not `__proto__`.
   */
  private key(level: number, lastKeyFrom: number[], lastKeyTo: number[], topKeys: string[] | null): boolean {
    const text = this.text;
    if (text.charCodeAt(this.i) !== QUOTE) return false;
    const from = this.i + 1;
    PLAIN_RUN.lastIndex = from;
    PLAIN_RUN.test(text);
    const to = PLAIN_RUN.lastIndex;
    if (text.charCodeAt(to) !== QUOTE) return false;
    const lastFrom = lastKeyFrom[level]!;
    if (lastFrom !== -1 && compareRanges(text, lastFrom, lastKeyTo[level]!, from, to) >= 0) return false;
    lastKeyFrom[level] = from;
    lastKeyTo[level] = to;
    if (topKeys !== null) {
      const key = text.slice(from, to);
      if (key === '__proto__') return false;
      topKeys.push(key);
    }
    this.i = to + 1;
    this.skipWhitespace();
    if (text.charCodeAt(this.i) !== COLON) return false;
    this.i++;
    this.skipWhitespace();
    return true;
  }

  /** A string, number or literal at this.i; false for anything re-encoding could change. */
  private scalar(c: number): boolean {
    const text = this.text;
    if (c === QUOTE) return this.string();
    if (c === MINUS || (c >= DIGIT_0 && c <= DIGIT_9)) return this.number();
    const word = c === 0x74 ? 'true' : c === 0x66 ? 'false' : c === 0x6e ? 'null' : undefined;
    if (word === undefined || !text.startsWith(word, this.i)) return false;
    this.i += word.length;
    return true;
  }

  /** JSON's number grammar; the text is kept as is, as the decoder keeps every literal. */
  private number(): boolean {
    const text = this.text;
    let i = this.i;
    if (text.charCodeAt(i) === MINUS) i++;
    let c = text.charCodeAt(i);
    if (c === DIGIT_0) c = text.charCodeAt(++i);
    else if (c > DIGIT_0 && c <= DIGIT_9) while (isDigit((c = text.charCodeAt(++i))));
    else return false;
    if (c === DOT) {
      if (!isDigit(text.charCodeAt(++i))) return false;
      while (isDigit((c = text.charCodeAt(++i))));
    }
    if (c === LOWER_E || c === UPPER_E) {
      c = text.charCodeAt(++i);
      if (c === PLUS || c === MINUS) c = text.charCodeAt(++i);
      if (!isDigit(c)) return false;
      while (isDigit(text.charCodeAt(++i)));
    }
    this.i = i;
    return true;
  }

  private string(): boolean {
    const text = this.text;
    let i = this.i + 1;
    for (;;) {
      PLAIN_RUN.lastIndex = i;
      PLAIN_RUN.test(text);
      i = PLAIN_RUN.lastIndex;
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        this.i = i + 1;
        return true;
      }
      if (c === BACKSLASH) {
        GO_ESCAPE.lastIndex = i;
        if (!GO_ESCAPE.test(text)) return false;
        i = GO_ESCAPE.lastIndex;
      } else if (c >= 0xd800 && c <= 0xdbff) {
        // A surrogate pair is an ordinary astral character; a lone half is not (Go writes \ufffd).
        const low = text.charCodeAt(i + 1);
        if (!(low >= 0xdc00 && low <= 0xdfff)) return false;
        i += 2;
      } else {
        return false; // <, >, &, U+2028/9 raw, a control character, a lone low surrogate, or the end
      }
    }
  }

  /** Skips JSON whitespace, dropping it from the compact text. */
  private skipWhitespace(): void {
    const text = this.text;
    let i = this.i;
    let c = text.charCodeAt(i);
    if (c !== SPACE && c !== LF && c !== CR && c !== TAB) return;
    const from = i;
    do c = text.charCodeAt(++i);
    while (c === SPACE || c === LF || c === CR || c === TAB);
    this.compact += text.slice(this.runStart, from);
    this.runStart = i;
    this.shift += i - from;
    this.i = i;
  }
}

/**
 * Lura's merge of several objects (Object.assign in arrival order: the last
 * part to have a key wins it), written as encodeJson would write the result.
 */
export function mergeCanonical(parts: readonly CanonicalObject[]): CanonicalObject {
  if (parts.length === 1) return parts[0]!;
  // key → where its winning value is, as at * parts.length + part (no tuple per key).
  const n = parts.length;
  const owner = new Map<string, number>();
  for (let p = 0; p < n; p++) {
    const keys = parts[p]!.keys;
    for (let at = 0; at < keys.length; at++) owner.set(keys[at]!, at * n + p);
  }
  const keys = sortByUtf8([...owner.keys()]);
  const starts: number[] = [];
  const ends: number[] = [];
  let text = '{';
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k]!;
    const where = owner.get(key)!;
    const part = parts[where % n]!;
    const at = Math.floor(where / n);
    if (k > 0) text += ',';
    text += '"' + key + '":';
    starts.push(text.length);
    text += part.text.slice(part.starts[at], part.ends[at]);
    ends.push(text.length);
  }
  return { text: text + '}', keys, starts, ends };
}
