/** Go's strconv.Unquote for template literals: "…" with Go escapes, `raw`, and 'c' character constants. */
export function unquote(raw: string): string {
  if (raw[0] === '`') return raw.slice(1, -1).replace(/\r/g, '');
  const body = raw.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i];
    const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', "'": "'", '"': '"' };
    if (e !== undefined && e in simple) out += simple[e];
    else if (e === 'x' || e === 'u' || e === 'U') {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + n);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== n) throw new SyntaxError(`invalid syntax: ${raw}`);
      const code = parseInt(hex, 16);
      // \x is a byte; bytes ≥ 0x80 alone are not UTF-8 and would be replaced when written anyway.
      out += e === 'x' ? String.fromCharCode(code) : String.fromCodePoint(code);
      i += n;
    } else if (e !== undefined && /[0-7]/.test(e)) {
      const oct = body.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(oct)) throw new SyntaxError(`invalid syntax: ${raw}`);
      out += String.fromCharCode(parseInt(oct, 8));
      i += 2;
    } else throw new SyntaxError(`invalid syntax: ${raw}`);
  }
  return out;
}

/** Whether a literal is a float64 for Go (`.`, an exponent; `e` is a digit in hex) rather than an int. */
export function isFloatLiteral(text: string): boolean {
  if (text[0] === "'") return false;
  return /^[+-]?0[xX]/.test(text) ? /[.pP]/.test(text) : /[.eE]/.test(text);
}

/** A number literal's value: Go ints (decimal, 0x, 0o, 0b, legacy 0-octal, `_` separators), floats and 'c' runes. */
export function numberValue(text: string): number {
  if (text[0] === "'") return unquote(`"${text.slice(1, -1).replace(/"/g, '\\"')}"`).codePointAt(0) ?? 0;
  if (text.endsWith('i')) throw new SyntaxError(`complex constants are not supported: ${text}`);
  const t = text.replace(/_/g, '');
  const sign = t[0] === '-' ? -1 : 1;
  const body = t.replace(/^[+-]/, '');
  if (/^0[0-7]+$/.test(body)) return sign * parseInt(body, 8);
  const v = Number(body);
  if (Number.isNaN(v)) throw new SyntaxError(`illegal number syntax: ${JSON.stringify(text)}`);
  return sign * v;
}
