/**
 * `deny` hides a few fields and lets everything else through. It follows the
 * deny tree of current Lura (proxy/formatter.go, buildDenyTree and recDelete):
 * any depth of dot path, objects only (a path never reaches into an array),
 * a missing step is ignored, and a parent emptied by the deletions stays as
 * `{}` — unlike `allow`, nothing is pruned. A shorter path wins over a longer
 * one under it, whatever their order. Deleting in place is cheapest: the
 * decoded data belongs to the request.
 */
import { isJsonObject, type JsonObject } from '../../shared/json/json-number.js';
import { hasOwn } from './own-property.js';

/** `null` deletes the key; a nested list descends into an object. */
type DeniedKeys = Array<[key: string, rule: null | DeniedKeys]>;

export function compileDeny(paths: readonly string[]): (data: JsonObject) => JsonObject {
  const denied: DeniedKeys = [];
  for (const path of paths) addDeniedPath(denied, path.split('.'));
  if (denied.length === 0) return (data) => data;
  return (data) => {
    deleteDenied(denied, data);
    return data;
  };
}

function addDeniedPath(level: DeniedKeys, steps: readonly string[]): void {
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    const entry = level.find(([key]) => key === step);
    if (i === steps.length - 1) {
      if (entry) entry[1] = null;
      else level.push([step, null]);
      return;
    }
    if (entry && entry[1] === null) return; // the whole key is already denied
    let next: DeniedKeys;
    if (entry) {
      next = entry[1]!;
    } else {
      next = [];
      level.push([step, next]);
    }
    level = next;
  }
}

function deleteDenied(denied: DeniedKeys, data: JsonObject): void {
  for (const [key, rule] of denied) {
    if (!hasOwn(data, key)) continue;
    if (rule === null) {
      delete data[key];
    } else {
      const value = data[key];
      if (isJsonObject(value)) deleteDenied(rule, value);
    }
  }
}
