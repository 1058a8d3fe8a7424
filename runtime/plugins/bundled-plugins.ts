import type { PluginRegistration } from './plugin-api.js';
import { assertUniqueNames, registrationsOf } from './registrations.js';

/**
 * The plugins `hgw build` linked into a bundle: their module namespaces (with
 * the file each came from, for messages) → validated registrations.
 */
export function bundledPlugins(modules: ReadonlyArray<readonly [Record<string, unknown>, string]>): PluginRegistration[] {
  const all = modules.flatMap(([namespace, file]) => registrationsOf(namespace, file).registrations);
  assertUniqueNames(all);
  return all;
}
