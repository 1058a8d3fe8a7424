import { readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PluginRegistration } from './plugin-api.js';
import { assertHgwVersion, assertUniqueNames, errorText, PluginError, registrationsOf } from './registrations.js';

/** JavaScript the gateway can import as it is (TypeScript plugins are compiled to one of these first). */
const LOADABLE = /\.(mjs|cjs|js)$/;

export interface LoadOptions {
  /** Refuse plugins whose `hgw` range does not hold this version (the gateway passes its own). */
  hgwVersion?: string;
}

/** Imports one plugin module and returns its validated registrations (PluginError on failure). */
export async function loadPluginFile(file: string, options: LoadOptions = {}): Promise<PluginRegistration[]> {
  let namespace: Record<string, unknown>;
  try {
    namespace = (await import(pathToFileURL(resolve(file)).href)) as Record<string, unknown>;
  } catch (e) {
    throw new PluginError('HGW_PLUGIN_FAILED', `cannot load the plugin ${file}: ${errorText(e)}`, { cause: e });
  }
  const { registrations } = registrationsOf(namespace, file);
  if (options.hgwVersion !== undefined) for (const r of registrations) assertHgwVersion(r, options.hgwVersion);
  return registrations;
}

/**
 * KrakenD's plugin loading for service `plugin: {folder, pattern}`: every
 * file of `folder` whose name contains `pattern` (and that Node can import:
 * .js, .mjs, .cjs) is loaded, in name order. Relative folders resolve
 * against `base` (the config's folder, or the working directory). Names
 * must be unique per kind across all modules.
 */
export async function loadPluginFolder(folder: string, pattern: string, options: LoadOptions & { base?: string } = {}): Promise<PluginRegistration[]> {
  const dir = isAbsolute(folder) ? folder : resolve(options.base ?? process.cwd(), folder);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    throw new PluginError('HGW_PLUGIN_FAILED', `cannot read the plugin folder ${dir}: ${errorText(e)}`, { cause: e });
  }
  const all: PluginRegistration[] = [];
  for (const name of names.sort()) {
    if (!name.includes(pattern) || !LOADABLE.test(name)) continue;
    const file = join(dir, name);
    if (!(await stat(file)).isFile()) continue;
    all.push(...(await loadPluginFile(file, options)));
  }
  assertUniqueNames(all);
  return all;
}
