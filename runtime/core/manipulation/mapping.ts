/**
 * `mapping` renames top-level keys so backends with different vocabularies
 * can be merged. Lura keeps only the part of the new name before the first
 * `.` (renames never nest) and renames by copy-then-delete, so a key mapped to
 * itself (`{"a": "a"}` or `{"a": "a.b"}`) disappears; this reproduces both.
 * Lura walks the mapping in Go's random map order, so chained renames
 * (`a→b`, `b→c`) have no fixed result there; here they run in config order.
 */
import type { JsonObject } from '../../shared/json/json-number.js';
import { hasOwn, setOwn } from './own-property.js';

export function compileMapping(mapping: Readonly<Record<string, string>>): (data: JsonObject) => JsonObject {
  const renames: Array<readonly [from: string, to: string]> = Object.entries(mapping).map(([from, to]) => {
    const cut = to.indexOf('.');
    return [from, cut < 0 ? to : to.slice(0, cut)] as const;
  });
  if (renames.length === 0) return (data) => data;
  return (data) => {
    for (const [from, to] of renames) {
      if (!hasOwn(data, from)) continue;
      const value = data[from]!;
      setOwn(data, to, value);
      delete data[from];
    }
    return data;
  };
}
