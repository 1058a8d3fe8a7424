/**
 * Go text/template's lexer: text outside `{{ }}`, tokens inside, with the
 * trim markers (`{{- ` and ` -}}` remove the whitespace next to the action)
 * and comments (opened by `{{/*`, closed by the same two characters reversed before `}}`). Every token keeps its offset in the source so
 * errors and the render source map point into the template file.
 */
import { TemplateError } from './errors.js';

export type TokenKind =
  | 'text' | 'left' | 'right' | 'space' | 'ident' | 'field' | 'variable' | 'dot'
  | 'string' | 'char' | 'number' | 'pipe' | 'lparen' | 'rparen' | 'declare' | 'assign' | 'comma' | 'eof';

export interface Token {
  kind: TokenKind;
  /** Raw text of the token (for text: after trimming). */
  value: string;
  pos: number;
}

const LEFT = '{{';
const RIGHT = '}}';
const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isAlnum = (c: string) => /[\p{L}\p{N}_]/u.test(c);

/** Splits one template source into tokens; throws TemplateError on a lexical error (unclosed action, bad character…). */
export function lex(file: string, src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let trimNext = false;
  while (i < src.length) {
    let open = src.indexOf(LEFT, i);
    if (open < 0) open = src.length;
    let textStart = i;
    let textEnd = open;
    if (trimNext) while (textStart < textEnd && isSpace(src[textStart]!)) textStart++;
    trimNext = false;
    let trimLeft = false;
    if (open < src.length && src[open + 2] === '-' && isSpace(src[open + 3] ?? '')) trimLeft = true;
    if (trimLeft) while (textEnd > textStart && isSpace(src[textEnd - 1]!)) textEnd--;
    if (textEnd > textStart) out.push({ kind: 'text', value: src.slice(textStart, textEnd), pos: textStart });
    if (open >= src.length) break;
    i = open + 2 + (trimLeft ? 2 : 0);
    // A comment must follow the delimiter (and trim marker) directly, and close right before the end delimiter.
    if (src.startsWith('/*', i)) {
      const close = src.indexOf('*/', i + 2);
      if (close < 0) throw new TemplateError(file, open, 'unclosed comment');
      let j = close + 2;
      let trimRight = false;
      if (src[j] && isSpace(src[j]!) && src[j + 1] === '-' && src.startsWith(RIGHT, j + 2)) {
        trimRight = true;
        j += 2;
      }
      if (!src.startsWith(RIGHT, j)) throw new TemplateError(file, close, 'comment ends before closing delimiter');
      i = j + 2;
      trimNext = trimRight;
      continue;
    }
    out.push({ kind: 'left', value: LEFT, pos: open });
    const r = lexAction(file, src, i, out, open);
    i = r.end;
    trimNext = r.trimRight;
  }
  out.push({ kind: 'eof', value: '', pos: src.length });
  return out;
}

function lexAction(file: string, src: string, start: number, out: Token[], open: number): { end: number; trimRight: boolean } {
  let i = start;
  let parens = 0;
  for (;;) {
    if (i >= src.length) throw new TemplateError(file, open, 'unclosed action');
    const c = src[i]!;
    if (isSpace(c)) {
      const s = i;
      while (i < src.length && isSpace(src[i]!)) i++;
      // ` -}}`: a trim marker, not a minus sign.
      if (src[i] === '-' && src.startsWith(RIGHT, i + 1)) {
        out.push({ kind: 'right', value: RIGHT, pos: i });
        return { end: i + 3, trimRight: true };
      }
      out.push({ kind: 'space', value: src.slice(s, i), pos: s });
      continue;
    }
    if (src.startsWith(RIGHT, i)) {
      if (parens > 0) throw new TemplateError(file, i, 'unclosed left paren');
      out.push({ kind: 'right', value: RIGHT, pos: i });
      return { end: i + 2, trimRight: false };
    }
    const push = (kind: TokenKind, len: number) => {
      out.push({ kind, value: src.slice(i, i + len), pos: i });
      i += len;
    };
    if (c === '|') push('pipe', 1);
    else if (c === ',') push('comma', 1);
    else if (c === '(') {
      parens++;
      push('lparen', 1);
    } else if (c === ')') {
      if (--parens < 0) throw new TemplateError(file, i, `unexpected right paren`);
      push('rparen', 1);
    } else if (c === ':') {
      if (src[i + 1] !== '=') throw new TemplateError(file, i, 'expected :=');
      push('declare', 2);
    } else if (c === '=') push('assign', 1);
    else if (c === '"') push('string', quotedLength(file, src, i, '"'));
    else if (c === '`') {
      const close = src.indexOf('`', i + 1);
      if (close < 0) throw new TemplateError(file, i, 'unterminated raw quoted string');
      push('string', close + 1 - i);
    } else if (c === "'") push('char', quotedLength(file, src, i, "'"));
    else if (c === '$') {
      let j = i + 1;
      while (j < src.length && isAlnum(src[j]!)) j++;
      push('variable', j - i);
    } else if (c === '.') {
      if (/[0-9]/.test(src[i + 1] ?? '')) push('number', numberLength(file, src, i));
      else if (isAlnum(src[i + 1] ?? '')) {
        let j = i + 1;
        while (j < src.length && isAlnum(src[j]!)) j++;
        push('field', j - i);
      } else push('dot', 1);
    } else if (/[0-9+-]/.test(c)) push('number', numberLength(file, src, i));
    else if (isAlnum(c)) {
      let j = i;
      while (j < src.length && isAlnum(src[j]!)) j++;
      push('ident', j - i);
    } else throw new TemplateError(file, i, `unrecognized character in action: U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} '${c}'`);
  }
}

function quotedLength(file: string, src: string, start: number, quote: string): number {
  let j = start + 1;
  while (j < src.length) {
    const c = src[j]!;
    if (c === '\\') j += 2;
    else if (c === '\n') break;
    else if (c === quote) return j + 1 - start;
    else j++;
  }
  throw new TemplateError(file, start, quote === '"' ? 'unterminated quoted string' : 'unterminated character constant');
}

function numberLength(file: string, src: string, start: number): number {
  const m = /^[+-]?(?:0[xX][0-9a-fA-F_]+(?:\.[0-9a-fA-F_]*)?(?:[pP][+-]?[0-9_]+)?|0[bB][01_]+|0[oO][0-7_]+|(?:[0-9][0-9_]*)?\.?[0-9_]*(?:[eE][+-]?[0-9_]+)?)i?/.exec(src.slice(start, start + 128));
  const len = m ? m[0].length : 0;
  // A number runs into letters (`3k`) or is only a sign: Go's "bad number syntax".
  if (len === 0 || /^[+-]?$/.test(m![0]) || isAlnum(src[start + len] ?? '') || src[start + len] === '.') {
    let j = start + Math.max(len, 1);
    while (j < src.length && (isAlnum(src[j]!) || src[j] === '.')) j++;
    throw new TemplateError(file, start, `bad number syntax: ${JSON.stringify(src.slice(start, j))}`);
  }
  return len;
}
