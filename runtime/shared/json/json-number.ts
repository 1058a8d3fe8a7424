/**
 * A number from a backend's JSON kept as its literal text, as Go's decoder
 * with UseNumber does: `9007199254740993` and `1.50` come out digit for digit.
 * Only numbers that would not survive a JS round trip are boxed; the rest stay
 * plain JS numbers (see parse-json.ts).
 */
import { isPlainObject } from '../is-plain-object.js';

export class JsonNumber {
  constructor(readonly text: string) {}

  toString(): string {
    return this.text;
  }

  /** JSON.stringify writes the literal text unchanged. */
  toJSON(): unknown {
    return this.text;
  }
}

/** The value model every decoder produces and every encoder and manipulation accepts. */
export type JsonValue = null | boolean | number | string | JsonNumber | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export function isJsonObject(v: unknown): v is JsonObject {
  return isPlainObject(v) && !(v instanceof JsonNumber);
}

/**
 * Go structs serialise in field order, not sorted like maps (Lura's error
 * details are one). Such an object carries its order under this symbol —
 * non-enumerable, so everything else still sees a plain object.
 */
export const GO_FIELD_ORDER: unique symbol = Symbol('go-field-order');

export function goStruct(fields: JsonObject): JsonObject {
  Object.defineProperty(fields, GO_FIELD_ORDER, { value: Object.keys(fields), enumerable: false });
  return fields;
}

export function fieldOrder(object: JsonObject): string[] | undefined {
  return (object as { [GO_FIELD_ORDER]?: string[] })[GO_FIELD_ORDER];
}
