/**
 * `target` lets a backend answer with an envelope and the gateway keep only
 * the object inside it. Lura (proxy/formatter.go, extractTarget) replaces the
 * data with an empty object as soon as a step is missing or is not an object:
 * an array, a string or a null at the end of the path gives `{}` too, so a
 * target can never select a collection.
 */
import { isJsonObject, type JsonObject } from '../../shared/json/json-number.js';
import { hasOwn } from './own-property.js';

/** An empty path selects nothing: Lura skips the step when `target` is "". */
export function compileTarget(path: string): (data: JsonObject) => JsonObject {
  if (path === '') return (data) => data;
  const steps = path.split('.');
  return (data) => {
    let current = data;
    for (const step of steps) {
      if (!hasOwn(current, step)) return {};
      const next = current[step];
      if (!isJsonObject(next)) return {};
      current = next;
    }
    return current;
  };
}
