/**
 * Runs each module's settings parser (named in module-registry.ts) on the
 * namespaces one `extra_config` sets: the plan stores the settings, `check`
 * reports the problems at their position (lint/rules/module-settings.ts).
 */
import type { LevelSettings } from '../../runtime/settings/module-settings.js';
import type { SettingsProblem } from '../../runtime/plan/settings.js';
import { LEGACY_NAMESPACES } from '../validate/known-exceptions.js';
import { MODULES, type ConfigLevel, type ModuleRow } from './module-registry.js';

export interface ParsedNamespace {
  /** The key as written (a legacy long name included). */
  key: string;
  id: string;
  settings: unknown;
  problems: SettingsProblem[];
}

const PARSERS: Record<ConfigLevel, Map<string, ModuleRow>> = { service: new Map(), endpoint: new Map(), backend: new Map() };
for (const row of MODULES) {
  if (!row.settings) continue;
  for (const level of Object.keys(PARSERS) as ConfigLevel[]) for (const ns of row.namespaces?.[level] ?? []) PARSERS[level].set(ns, row);
}

/** Every namespace of `extraConfig` at this level that has a settings parser, parsed. The short form wins over a legacy name, as in the Plan. */
export function parseNamespaces(level: ConfigLevel, extraConfig: Record<string, unknown>): ParsedNamespace[] {
  const out = new Map<string, ParsedNamespace>();
  for (const [key, raw] of Object.entries(extraConfig)) {
    const short = LEGACY_NAMESPACES[key] ?? key;
    const row = PARSERS[level].get(short);
    if (!row?.settings) continue;
    if (out.has(row.id) && short !== key) continue;
    const { settings, problems } = row.settings(raw);
    out.set(row.id, { key, id: row.id, settings, problems });
  }
  return [...out.values()];
}

/** The settings the Plan holds for one level. */
export function levelSettings(level: ConfigLevel, extraConfig: Record<string, unknown>): LevelSettings {
  const out: Record<string, unknown> = {};
  for (const p of parseNamespaces(level, extraConfig)) if (p.settings !== undefined) out[p.id] = p.settings;
  return out as LevelSettings;
}

/**
 * `extraConfig` without the namespaces whose parsed settings this level
 * holds: what a bundle carries, so each setting is in it once, parsed (the
 * runtime reads those through `settings` only).
 */
export function unparsedExtraConfig(level: ConfigLevel, extraConfig: Record<string, unknown>, settings: LevelSettings): Record<string, unknown> {
  const parsed = settings as Record<string, unknown>;
  return Object.fromEntries(Object.entries(extraConfig).filter(([ns]) => {
    const row = PARSERS[level].get(ns);
    return !row || parsed[row.id] === undefined;
  }));
}
