/**
 * Parallel backends are merged key by key, last arrival winning; `group`
 * nests one backend's whole answer under its own key so nothing collides.
 * Lura wraps even an empty answer, and skips the step when `group` is "".
 */
import type { JsonObject, JsonValue } from '../../shared/json/json-number.js';
import { setOwn } from './own-property.js';

export function compileGroup(name: string): (data: JsonObject) => JsonObject {
  if (name === '') return (data) => data;
  return (data) => wrapInGroup(name, data);
}

/** Also used after a flatmap that emptied the answer, which Lura groups as `null`. */
export function wrapInGroup(name: string, data: JsonValue): JsonObject {
  const wrapped: JsonObject = {};
  setOwn(wrapped, name, data);
  return wrapped;
}
