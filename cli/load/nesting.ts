/** No real config nests anywhere near this; deeper input is refused before recursive parsers see it. */
export const MAX_NESTING = 200;

/**
 * Offset where `[`/`{` nesting first exceeds the limit, ignoring brackets inside
 * strings, or -1. A linear scan, cheaper than any parse. `"` quoting is JSON's;
 * for YAML it also covers flow collections, the only way YAML nests this deep on one line.
 */
export function tooDeepAt(text: string, limit = MAX_NESTING): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash escape
      else if (c === 34) inString = false;
    } else if (c === 34) {
      inString = true;
    } else if (c === 91 || c === 123) {
      if (++depth > limit) return i;
    } else if (c === 93 || c === 125) {
      depth = Math.max(0, depth - 1);
    }
  }
  return -1;
}
