/**
 * Query strings the Go way: parsed as url.ParseQuery does and re-encoded as
 * url.Values.Encode does (keys sorted, every byte but A-Z a-z 0-9 - _ . ~
 * percent-encoded, space as `+`), because backends see what Lura sends.
 */
export type QueryValues = Map<string, string[]>;

export function parseQuery(raw: string): QueryValues {
  const values: QueryValues = new Map();
  if (raw === '') return values;
  for (const part of raw.split('&')) {
    if (part === '' || part.includes(';')) continue; // Go rejects `;` separators and drops the pair
    const eq = part.indexOf('=');
    const key = unescapeQuery(eq === -1 ? part : part.slice(0, eq));
    const value = unescapeQuery(eq === -1 ? '' : part.slice(eq + 1));
    if (key === undefined || value === undefined) continue;
    const list = values.get(key);
    if (list) list.push(value);
    else values.set(key, [value]);
  }
  return values;
}

export function encodeQuery(values: QueryValues): string {
  const keys = [...values.keys()].sort(byBytes);
  let out = '';
  for (const key of keys) {
    const k = escapeQuery(key);
    for (const v of values.get(key)!) out += `${out === '' ? '' : '&'}${k}=${escapeQuery(v)}`;
  }
  return out;
}

function byBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function unescapeQuery(s: string): string | undefined {
  const plus = s.includes('+') ? s.replace(/\+/g, ' ') : s;
  if (!plus.includes('%')) return plus;
  try {
    return decodeURIComponent(plus);
  } catch {
    return undefined;
  }
}

const UNRESERVED = /[A-Za-z0-9\-_.~]/;

export function escapeQuery(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const ch = String.fromCharCode(byte);
    if (byte < 0x80 && UNRESERVED.test(ch)) out += ch;
    else if (byte === 0x20) out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
