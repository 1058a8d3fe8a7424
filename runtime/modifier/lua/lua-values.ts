import { JsonNumber, type JsonObject, type JsonValue } from '../../shared/json/json-number.js';

/**
 * krakend-lua's `luaTable` and `luaList`: response data (and params,
 * headers) handed to scripts by reference, so `set` and `del` edit the
 * answer in place. Lists are indexed from 0, as krakend-lua's are. A Lua
 * table a script stores becomes an object keyed by its Lua keys — a
 * sequence `{"a","b"}` is `{"1":"a","2":"b"}`, as KrakenD's ParseToTable
 * leaves it.
 */
export class LuaTable {
  constructor(readonly data: JsonObject) {}

  get(key: unknown): unknown {
    // Own keys only: `constructor` or `toString` must not reach the script as JS functions.
    const k = String(key);
    return Object.prototype.hasOwnProperty.call(this.data, k) ? toLua(this.data[k]) : undefined;
  }

  set(key: unknown, value: unknown): void {
    // defineProperty: `__proto__` is stored as a key, never as the object's prototype.
    Object.defineProperty(this.data, String(key), { value: fromLua(value), enumerable: true, writable: true, configurable: true });
  }

  len(): number {
    return Object.keys(this.data).length;
  }

  del(key: unknown): void {
    delete this.data[String(key)];
  }

  keys(): LuaList {
    return new LuaList(Object.keys(this.data).sort());
  }

  keyExists(key: unknown): boolean {
    return Object.prototype.hasOwnProperty.call(this.data, String(key));
  }
}

export class LuaList {
  constructor(readonly data: JsonValue[]) {}

  get(index: unknown): unknown {
    return toLua(this.data[Number(index)]);
  }

  set(index: unknown, value: unknown): void {
    this.data[Number(index)] = fromLua(value);
  }

  len(): number {
    return this.data.length;
  }

  del(index: unknown): void {
    this.data.splice(Number(index), 1);
  }
}

/** Our JSON value → what a script sees: numbers as Lua numbers, objects and arrays wrapped, null as nil. */
export function toLua(v: JsonValue | undefined): unknown {
  if (v === undefined || v === null) return undefined;
  if (v instanceof JsonNumber) return Number(v.text);
  if (Array.isArray(v)) return new LuaList(v);
  if (typeof v === 'object') return new LuaTable(v);
  return v;
}

/** A value from a script → our JSON value model. */
export function fromLua(v: unknown): JsonValue {
  if (v === undefined || v === null) return null;
  if (v instanceof LuaTable || v instanceof LuaList) return v.data;
  if (Array.isArray(v)) {
    const out: JsonObject = {};
    v.forEach((x, i) => (out[String(i + 1)] = fromLua(x)));
    return out;
  }
  if (typeof v === 'object') {
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v)) Object.defineProperty(out, k, { value: fromLua(x), enumerable: true, writable: true, configurable: true });
    return out;
  }
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  return String(v);
}
