/**
 * A Go (RE2) regular expression as a JavaScript RegExp, for the bot
 * detector's `patterns`. The two dialects agree on the everyday syntax; this
 * rewrites the RE2 spellings JavaScript lacks and refuses what RE2 itself
 * refuses, so a pattern Go would reject is rejected here too:
 *
 * - leading flags `(?i)`, `(?s)`, `(?m)` (and combinations) → RegExp flags;
 *   flags anywhere else, `(?U)` and `(?flags:…)` groups are refused;
 * - `(?P<name>…)` → `(?<name>…)`;
 * - `\A` → start of text, `\z` → end of text, `\Q…\E` → the literal text;
 * - `\x{hhhh}` → `\uhhhh`; POSIX classes `[[:alpha:]]` → ranges;
 * - lookaround `(?=` `(?!` `(?<=` `(?<!` and backreferences `\1`… → refused
 *   (RE2: "invalid or unsupported Perl syntax").
 *
 * Matching is unanchored, like Go's `MatchString`.
 */
export class GoRegexpError extends Error {
  readonly code = 'HGW_GO_REGEXP';
}

const POSIX: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

export function compileGoRegexp(pattern: string): RegExp {
  let src = pattern;
  let flags = '';
  const lead = /^\(\?([a-zA-Z]+)\)/.exec(src);
  if (lead) {
    for (const f of lead[1]!) {
      if (f !== 'i' && f !== 's' && f !== 'm') throw new GoRegexpError(`error parsing regexp: invalid or unsupported Perl syntax: \`(?${lead[1]}\``);
      if (!flags.includes(f)) flags += f;
    }
    src = src.slice(lead[0].length);
  }
  const out = translate(src, pattern);
  try {
    return new RegExp(out, flags);
  } catch (err) {
    throw new GoRegexpError(`error parsing regexp: ${(err as Error).message}`);
  }
}

function translate(src: string, original: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      const n = src[i + 1];
      if (n === undefined) throw new GoRegexpError('error parsing regexp: trailing backslash at end of expression: ``');
      if (n === 'Q') {
        const end = src.indexOf('\\E', i + 2);
        const literal = end === -1 ? src.slice(i + 2) : src.slice(i + 2, end);
        out += literal.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
        i = end === -1 ? src.length : end + 1;
        continue;
      }
      if (!inClass && n === 'A') {
        out += '(?<![\\s\\S])';
        i++;
        continue;
      }
      if (!inClass && n === 'z') {
        out += '(?![\\s\\S])';
        i++;
        continue;
      }
      if (n >= '0' && n <= '9') {
        // RE2: `\0`, `\12`, `\123` are octal; a lone `\1`–`\9` would be a backreference.
        const oct = /^[0-7]{1,3}/.exec(src.slice(i + 1))?.[0] ?? '';
        if (oct === '' || (oct.length === 1 && oct !== '0')) throw new GoRegexpError(`error parsing regexp: invalid escape sequence: \`\\${n}\``);
        out += `\\u${parseInt(oct, 8).toString(16).padStart(4, '0')}`;
        i += oct.length;
        continue;
      }
      if (n === 'p' || n === 'P') throw new GoRegexpError('Unicode classes (\\p) are not supported by hgw in bot-detector patterns');
      if (n === 'x' && src[i + 2] === '{') {
        const close = src.indexOf('}', i + 3);
        const hex = close === -1 ? '' : src.slice(i + 3, close);
        const code = /^[0-9a-fA-F]{1,6}$/.test(hex) ? parseInt(hex, 16) : NaN;
        if (!(code <= 0xffff)) throw new GoRegexpError(`error parsing regexp: invalid escape sequence in \`${original}\``);
        out += `\\u${code.toString(16).padStart(4, '0')}`;
        i = close;
        continue;
      }
      out += c + n;
      i++;
      continue;
    }
    if (inClass) {
      if (c === '[' && src[i + 1] === ':') {
        const m = /^\[:(\^?)([a-z]+):\]/.exec(src.slice(i));
        const range = m ? POSIX[m[2]!] : undefined;
        if (m && range !== undefined) {
          if (m[1]) throw new GoRegexpError('error parsing regexp: negated POSIX classes are not supported');
          out += range;
          i += m[0].length - 1;
          continue;
        }
      }
      if (c === '[') {
        out += '\\[';
        continue;
      }
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      // A `]` right after `[` or `[^` is a literal in RE2.
      if (src[i + 1] === '^') {
        out += '^';
        i++;
      }
      if (src[i + 1] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    if (c === '(' && src[i + 1] === '?') {
      const rest = src.slice(i + 2);
      if (rest.startsWith('P<')) {
        out += '(?<';
        i += 3;
        continue;
      }
      if (rest.startsWith(':')) {
        out += '(?:';
        i += 2;
        continue;
      }
      if (rest.startsWith('<') && !rest.startsWith('<=') && !rest.startsWith('<!')) {
        out += '(?<'; // Go 1.22+ accepts (?<name>…)
        i += 2;
        continue;
      }
      throw new GoRegexpError(`error parsing regexp: invalid or unsupported Perl syntax: \`(?${rest.slice(0, 1)}\``);
    }
    out += c;
  }
  return out;
}
