/**
 * A backend url_pattern compiled once: literal parts and the endpoint param
 * index of each `{placeholder}`. Lura matches placeholders to params by name
 * with the first letter upper-cased (`{id}` ↔ `Id`) and leaves a placeholder
 * with no value as the literal `{{.Name}}`.
 */
export interface CompiledPattern {
  /** Literal parts; `slots[i]` goes between `parts[i]` and `parts[i + 1]`. */
  parts: string[];
  /** Endpoint param index, or -1 for a placeholder with no param. */
  slots: number[];
  /** `{{.Name}}` for each slot, written when the slot has no value. */
  literals: string[];
  hasQuery: boolean;
}

const PLACEHOLDER = /\{([^{}/]+)\}/g;

export function compileUrlPattern(pattern: string, params: string[]): CompiledPattern {
  const keys = params.map(goKey);
  const parts: string[] = [];
  const slots: number[] = [];
  const literals: string[] = [];
  let last = 0;
  for (const m of pattern.matchAll(PLACEHOLDER)) {
    parts.push(pattern.slice(last, m.index));
    const key = goKey(m[1]!);
    slots.push(keys.indexOf(key));
    literals.push(`{{.${key}}}`);
    last = m.index! + m[0].length;
  }
  parts.push(pattern.slice(last));
  return { parts, slots, literals, hasQuery: pattern.includes('?') };
}

export function expandUrlPattern(p: CompiledPattern, params: string[]): string {
  if (p.slots.length === 0) return p.parts[0]!;
  let out = p.parts[0]!;
  for (let i = 0; i < p.slots.length; i++) {
    const at = p.slots[i]!;
    out += (at >= 0 && params[at] !== undefined ? escapePathValue(params[at]!) : p.literals[i]!) + p.parts[i + 1]!;
  }
  return out;
}

function goKey(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** Param values are decoded; re-escape what cannot travel in a request line, as Go's URL.EscapedPath does. */
const PATH_SAFE = /^[A-Za-z0-9\-._~!$&'()*+,;=:@]*$/;

function escapePathValue(v: string): string {
  return PATH_SAFE.test(v) ? v : encodeURIComponent(v).replace(/%(2[146789ABC]|3[ABD]|40)/g, (m) => decodeURIComponent(m));
}
