/**
 * `allow` returns only the fields a client may see; listing them is safer
 * than listing what to hide. It follows Lura's allow-list (proxy/formatter.go,
 * AllowlistPrune):
 * - a path that ends at a key keeps that key's value whole, arrays included;
 * - a path that goes through a key descends only if the value is an object:
 *   an array, a scalar or a null there is dropped, so `items.id` never
 *   reaches into the objects of an `items` array;
 * - an object left with none of its allowed keys is dropped, up to the root.
 * The list is read in order as Lura builds its dictionary: `["a", "a.b"]`
 * narrows `a` to `a.b`, while `["a.b", "a"]` keeps all of `a`.
 *
 * Lura deletes what is not listed; this copies what is listed instead, so the
 * cost follows the size of the list, not the size of the response.
 */
import { isJsonObject, type JsonObject } from '../../shared/json/json-number.js';
import { hasOwn, setOwn } from './own-property.js';

/** `true` keeps the value whole; a nested list descends into an object. */
type AllowedKeys = Array<[key: string, rule: true | AllowedKeys]>;

export function compileAllow(paths: readonly string[]): (data: JsonObject) => JsonObject {
  const allowed = buildAllowedKeys(paths);
  return (data) => keepAllowed(allowed, data) ?? {};
}

function buildAllowedKeys(paths: readonly string[]): AllowedKeys {
  const root: AllowedKeys = [];
  for (const path of paths) {
    const steps = path.split('.');
    const leaf = steps.pop()!;
    let level = root;
    for (const step of steps) {
      const entry = level.find(([key]) => key === step);
      if (entry && entry[1] !== true) {
        level = entry[1];
        continue;
      }
      // A kept-whole key that gets a longer path becomes a branch, as in Lura's buildDictPath.
      const branch: AllowedKeys = [];
      if (entry) entry[1] = branch;
      else level.push([step, branch]);
      level = branch;
    }
    const entry = level.find(([key]) => key === leaf);
    if (entry) entry[1] = true;
    else level.push([leaf, true]);
  }
  return root;
}

/** A new object with the allowed members of `data`, or undefined when none is left. */
function keepAllowed(allowed: AllowedKeys, data: JsonObject): JsonObject | undefined {
  let kept: JsonObject | undefined;
  for (const [key, rule] of allowed) {
    if (!hasOwn(data, key)) continue;
    const value = data[key]!;
    if (rule === true) {
      setOwn((kept ??= {}), key, value);
    } else if (isJsonObject(value)) {
      const inner = keepAllowed(rule, value);
      if (inner !== undefined) setOwn((kept ??= {}), key, inner);
    }
  }
  return kept;
}
