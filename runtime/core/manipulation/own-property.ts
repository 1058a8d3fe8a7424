/**
 * Backend JSON may carry keys such as `__proto__` or `constructor`. Go's maps
 * treat them as ordinary keys; a JS object does not unless every read checks
 * ownership and every write of `__proto__` defines a property instead of
 * replacing the prototype. Every manipulation goes through these two helpers.
 */
import type { JsonObject, JsonValue } from '../../shared/json/json-number.js';

export function hasOwn(object: JsonObject, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

export function setOwn(object: JsonObject, key: string, value: JsonValue): void {
  if (key === '__proto__') {
    Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    object[key] = value;
  }
}
