import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { LevelSettings } from '../../runtime/settings/module-settings.js';
import type { Plan } from '../../runtime/plan/plan.js';
import type { LuaConfig } from '../../runtime/modifier/lua/lua-config.js';
import { HgwError } from '../errors.js';

/**
 * Lua `sources` are read at build time and their text put in the Plan's
 * parsed settings next to each file name, so the bundle never reads scripts
 * from disk. A relative path is looked up from the working directory first
 * (where KrakenD resolves it), then from the config file's folder.
 */
const LUA_MODULES = ['modifier/lua', 'modifier/lua-router'] as const;

export function withLuaSources(plan: Plan, baseDirs: readonly string[]): Plan {
  const embed = (settings: LevelSettings): LevelSettings => {
    let out = settings;
    for (const id of LUA_MODULES) {
      const cfg: LuaConfig | undefined = settings[id];
      if (!cfg || cfg.sources.length === 0) continue;
      out = { ...out, [id]: { ...cfg, sources: cfg.sources.map((s) => ({ file: s.file, text: readSource(s.file, baseDirs) })) } };
    }
    return out;
  };
  return {
    ...plan,
    service: { ...plan.service, settings: embed(plan.service.settings) },
    endpoints: plan.endpoints.map((ep) => ({
      ...ep,
      settings: embed(ep.settings),
      backends: ep.backends.map((b) => ({ ...b, settings: embed(b.settings) })),
    })),
  };
}

function readSource(file: string, baseDirs: readonly string[]): string {
  const candidates = isAbsolute(file) ? [file] : baseDirs.map((d) => join(d, file));
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new HgwError('HGW_INPUT_UNREADABLE', `Lua source ${JSON.stringify(file)} not found (looked in ${candidates.join(', ')})`);
  return readFileSync(found, 'utf8');
}
