import { readdirSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Plan } from '../../runtime/plan/plan.js';
import { registrationsOf } from '../../runtime/plugins/registrations.js';
import { CompiledPlugins, needsCompiling } from '../plugins/compile-plugin.js';
import { HgwError } from '../errors.js';

/**
 * Which plugin files a build links: the config names plugins (service
 * `plugin/http-server`, backend `plugin/http-client`, `plugin/req-resp-modifier`)
 * and `plugin.folder` / `plugin.pattern` say where they live. Each candidate is
 * loaded once at build time to learn the names it registers; only files
 * providing a named plugin are bundled. A name nobody provides is a build error.
 */
export interface PluginFile {
  /** Absolute path of the source (TypeScript is bundled by esbuild as it is). */
  file: string;
  names: string[];
}

const SOURCE = /\.(ts|mts|cts|js|mjs|cjs)$/;

export function pluginNamesUsed(plan: Plan): string[] {
  const names = new Set<string>();
  const add = (value: unknown) => {
    const name = (value as { name?: unknown } | undefined)?.name;
    for (const n of Array.isArray(name) ? name : [name]) if (typeof n === 'string' && n !== '') names.add(n);
  };
  add(plan.service.extraConfig['plugin/http-server']);
  for (const ep of plan.endpoints) {
    add(ep.extraConfig['plugin/req-resp-modifier']);
    for (const be of ep.backends) {
      add(be.extraConfig['plugin/http-client']);
      add(be.extraConfig['plugin/req-resp-modifier']);
    }
  }
  return [...names].sort();
}

export async function namedPluginFiles(plan: Plan, packageRoot: string): Promise<PluginFile[]> {
  const used = pluginNamesUsed(plan);
  if (used.length === 0) return [];
  const cfg = plan.service.plugin;
  if (!cfg) throw new HgwError('HGW_BUILD_FAILED', `the config names plugins (${used.join(', ')}) but sets no plugin.folder`);
  const folder = isAbsolute(cfg.folder) ? cfg.folder : resolve(dirname(resolve(plan.source.file)), cfg.folder);
  let entries: string[];
  try {
    entries = readdirSync(folder).sort();
  } catch (e) {
    throw new HgwError('HGW_BUILD_FAILED', `plugin.folder ${folder} cannot be read: ${(e as Error).message}`);
  }
  const compiled = new CompiledPlugins(packageRoot);
  const found: PluginFile[] = [];
  const provided = new Set<string>();
  try {
    for (const entry of entries) {
      if (!SOURCE.test(entry) || !entry.includes(cfg.pattern) || entry.endsWith('.d.ts')) continue;
      const file = join(folder, entry);
      let loadable = file;
      if (needsCompiling(file)) {
        const result = await compiled.compile(file);
        if (!result.ok) throw new HgwError('HGW_BUILD_FAILED', `plugin ${entry}: ${result.message}`);
        loadable = result.file;
      }
      let names: string[];
      try {
        const { registrations } = registrationsOf((await import(pathToFileURL(loadable).href)) as Record<string, unknown>, entry);
        names = registrations.map((r) => r.name);
      } catch (e) {
        throw new HgwError('HGW_BUILD_FAILED', `plugin ${entry}: ${(e as Error).message}`);
      }
      const wanted = names.filter((n) => used.includes(n));
      if (wanted.length === 0) continue;
      for (const n of wanted) provided.add(n);
      found.push({ file, names: wanted });
    }
  } finally {
    compiled.dispose();
  }
  const missing = used.filter((n) => !provided.has(n));
  if (missing.length > 0) throw new HgwError('HGW_BUILD_FAILED', `no plugin in ${folder} (pattern ${JSON.stringify(cfg.pattern)}) registers ${missing.join(', ')}`);
  return found;
}
