/**
 * Go compares strings byte by byte in UTF-8, which is code point order. JS compares
 * UTF-16 code units, which agrees except when a surrogate (half of an astral character)
 * meets a unit in U+E000..U+FFFF: UTF-16 puts the astral character first, UTF-8 last.
 */

/** Orders two strings as Go's strings.Compare would order their UTF-8 encodings. */
export function compareUtf8(a: string, b: string): number {
  const shorter = Math.min(a.length, b.length);
  for (let i = 0; i < shorter; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/** Moves surrogates above U+E000..U+FFFF so units compare in code point order. */
function codePointRank(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit < 0xe000 ? unit + 0x2000 : unit - 0x800;
}

const MAY_DIFFER_FROM_UTF16_ORDER = /[\ud800-\uffff]/;

/** Sorts in place, using the engine's native string order whenever it already agrees with UTF-8. */
export function sortByUtf8(keys: string[]): string[] {
  if (keys.length < 2) return keys;
  for (const key of keys) {
    if (MAY_DIFFER_FROM_UTF16_ORDER.test(key)) return keys.sort(compareUtf8);
  }
  return keys.length <= 16 ? insertionSort(keys) : keys.sort();
}

/** Objects mostly have a handful of keys, where this beats Array.prototype.sort several times over. */
function insertionSort(keys: string[]): string[] {
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i] as string;
    let j = i - 1;
    for (; j >= 0 && (keys[j] as string) > key; j--) keys[j + 1] = keys[j] as string;
    keys[j + 1] = key;
  }
  return keys;
}
