/**
 * `validation/cel` as krakend-cel reads it: a list of `{check_expr}`
 * definitions, of which only non-empty expression strings count. Parsed when
 * the Plan is built; the proxy and the JWT rejecter compile the expressions
 * at start-up (cel-checks.ts), and `hgw check` reports the ones that do not
 * parse or type-check (lint rule cel).
 */
import { settingsParser } from '../../plan/settings.js';

export type CelSettings = Array<{ check_expr: string }>;

/** The `check_expr` strings of a `validation/cel` value (a list of `{check_expr}`), in order. */
export function checkExpressions(config: unknown): string[] {
  if (!Array.isArray(config)) return [];
  return config.map((d) => (d !== null && typeof d === 'object' ? (d as { check_expr?: unknown }).check_expr : undefined)).filter((e): e is string => typeof e === 'string' && e !== '');
}

export const celSettings = /* @__PURE__ */ settingsParser<CelSettings>((raw) => (Array.isArray(raw) ? checkExpressions(raw).map((check_expr) => ({ check_expr })) : undefined));
