/**
 * Why this exists: a Go string holds UTF-8, so a lone surrogate that reached a JS
 * string (from `\ud800` in a backend's JSON, for example) is U+FFFD on the Go side.
 * The encoders pass strings through this before quoting or escaping them.
 */

const ANY_SURROGATE = /[\uD800-\uDFFF]/;
const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Replaces every lone surrogate with U+FFFD, as Go's JSON decoder does. */
export function wellFormed(s: string): string {
  return ANY_SURROGATE.test(s) ? s.replace(LONE_SURROGATES, '\uFFFD') : s;
}
