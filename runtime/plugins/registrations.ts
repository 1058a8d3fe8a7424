import type { Logger } from '../shared/log/logger.js';
import {
  PLUGIN_KINDS, PLUGIN_NAMESPACES, type PluginConfig, type PluginHelpers, type PluginKind, type PluginLogger, type PluginRegistration,
} from './plugin-api.js';
import { satisfiesRange } from './semver-range.js';
import { isPlainObject } from '../shared/is-plain-object.js';

export type PluginErrorCode =
  /** The module exports no registration (no default export, no `plugin` export). */
  | 'HGW_PLUGIN_MISSING'
  /** A registration does not have the shape of the plugin API. */
  | 'HGW_PLUGIN_INVALID'
  /** The plugin's `hgw` range is invalid or does not hold this hgw's version. */
  | 'HGW_PLUGIN_VERSION'
  /** A config names a plugin no loaded module registers. */
  | 'HGW_PLUGIN_NOT_FOUND'
  /** A plugin failed in `create` or broke the contract at run time. */
  | 'HGW_PLUGIN_FAILED';

/** Errors of the plugin layer carry a stable `code`, like hgw's other errors. */
export class PluginError extends Error {
  constructor(
    readonly code: PluginErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PluginError';
  }
}

/** Where a module keeps its registrations. */
export type PluginExportName = 'default' | 'plugin';

/**
 * The registrations a module namespace exports, validated: its default
 * export, else its `plugin` export (one registration or an array). A
 * CommonJS module's `module.exports = {plugin}` counts too. Throws
 * PluginError HGW_PLUGIN_MISSING or HGW_PLUGIN_INVALID.
 */
export function registrationsOf(namespace: Record<string, unknown>, source: string): { registrations: PluginRegistration[]; exportName: PluginExportName } {
  let exportName: PluginExportName = 'default';
  let value = namespace.default;
  if (isPluginish(namespace.plugin) && !isPluginish(value)) {
    exportName = 'plugin';
    value = namespace.plugin;
  } else if (isPlainObject(value) && !isPluginish(value) && isPluginish(value.plugin)) {
    value = value.plugin;
  }
  if (value === undefined || (!isPluginish(value) && !Array.isArray(value))) {
    throw new PluginError('HGW_PLUGIN_MISSING', `${source} exports no plugin (export default a registration or an array of them, or export it as \`plugin\`)`);
  }
  const list: unknown[] = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw new PluginError('HGW_PLUGIN_MISSING', `${source} exports an empty array of plugins`);
  const registrations = list.map((item, i) => validateRegistration(item, Array.isArray(value) ? `${exportName}[${i}]` : exportName));
  assertUniqueNames(registrations);
  return { registrations, exportName };
}

/** Looks like an attempt at a registration (or a list of them). */
function isPluginish(x: unknown): boolean {
  return Array.isArray(x) || (isPlainObject(x) && ('kind' in x || 'create' in x || 'hgw' in x));
}

/** The shape checks the types would make, for JavaScript plugins and values built at run time. */
export function validateRegistration(item: unknown, where: string): PluginRegistration {
  if (!isPlainObject(item)) throw new PluginError('HGW_PLUGIN_INVALID', `${where} is not a plugin registration object (got ${describe(item)})`);
  const label = typeof item.name === 'string' && item.name !== '' ? `${where} ("${item.name}")` : where;
  const fail = (what: string): never => {
    throw new PluginError('HGW_PLUGIN_INVALID', `${label}: ${what}`);
  };
  if (typeof item.name !== 'string' || item.name.trim() === '') fail(`"name" must be a non-empty string (got ${describe(item.name)})`);
  if (typeof item.hgw !== 'string' || item.hgw.trim() === '') fail(`"hgw" must be a semver range string such as ">=0.1 <1" (got ${describe(item.hgw)})`);
  if (typeof item.kind !== 'string' || !(PLUGIN_KINDS as readonly string[]).includes(item.kind)) fail(`"kind" must be 'server', 'client' or 'modifier' (got ${describe(item.kind)})`);
  if (typeof item.create !== 'function') fail(`"create" must be a function (got ${describe(item.create)})`);
  if (item.description !== undefined && typeof item.description !== 'string') fail(`"description" must be a string`);
  if (item.exampleConfig !== undefined && !isPlainObject(item.exampleConfig)) fail(`"exampleConfig" must be an object`);
  return item as unknown as PluginRegistration;
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  if (typeof x === 'string') return JSON.stringify(x);
  if (typeof x === 'number' || typeof x === 'boolean') return `${typeof x} ${String(x)}`;
  return typeof x;
}

/** Two registrations of one kind may not share a name; throws HGW_PLUGIN_INVALID. */
export function assertUniqueNames(registrations: readonly PluginRegistration[]): void {
  const seen = new Set<string>();
  for (const r of registrations) {
    const key = `${r.kind}\0${r.name}`;
    if (seen.has(key)) throw new PluginError('HGW_PLUGIN_INVALID', `two ${r.kind} plugins are named "${r.name}"`);
    seen.add(key);
  }
}

/** Throws HGW_PLUGIN_VERSION unless the registration's `hgw` range holds `hgwVersion`. */
export function assertHgwVersion(registration: PluginRegistration, hgwVersion: string): void {
  const ok = satisfiesRange(hgwVersion, registration.hgw);
  const who = `${registration.kind} plugin "${registration.name}"`;
  if (ok === undefined) {
    throw new PluginError('HGW_PLUGIN_VERSION', `${who}: "hgw": ${JSON.stringify(registration.hgw)} is not a valid semver range${isVersionText(hgwVersion) ? '' : ` (or hgw's version ${hgwVersion} is not semver)`}`);
  }
  if (!ok) throw new PluginError('HGW_PLUGIN_VERSION', `${who}: requires hgw ${registration.hgw}, this is hgw ${hgwVersion}`);
}

function isVersionText(s: string): boolean {
  return /^\d+\.\d+\.\d+/.test(s);
}

/** The registration of `kind` named `name`; throws HGW_PLUGIN_NOT_FOUND naming what is loaded. */
export function findPlugin<K extends PluginKind>(registrations: readonly PluginRegistration[], kind: K, name: string): Extract<PluginRegistration, { kind: K }> {
  const hit = registrations.find((r) => r.kind === kind && r.name === name);
  if (hit) return hit as Extract<PluginRegistration, { kind: K }>;
  const loaded = registrations.filter((r) => r.kind === kind).map((r) => r.name);
  throw new PluginError(
    'HGW_PLUGIN_NOT_FOUND',
    `${PLUGIN_NAMESPACES[kind]}: no ${kind} plugin named "${name}" is loaded (${loaded.length > 0 ? `loaded: ${loaded.join(', ')}` : `no ${kind} plugin is loaded`})`,
  );
}

/**
 * The plugin names an `extra_config` namespace value lists, in order:
 * `name` as a string or an array of strings (KrakenD accepts both).
 */
export function configuredNames(namespaceValue: unknown): string[] {
  if (!isPlainObject(namespaceValue)) return [];
  const name = namespaceValue.name;
  if (typeof name === 'string') return name === '' ? [] : [name];
  if (Array.isArray(name)) return name.filter((n): n is string => typeof n === 'string' && n !== '');
  return [];
}

/** A plugin's own config slice `namespaceValue[name]`, `{}` when absent or not an object. */
export function pluginConfig(namespaceValue: unknown, name: string): PluginConfig {
  if (!isPlainObject(namespaceValue)) return {};
  const own = namespaceValue[name];
  return isPlainObject(own) ? own : {};
}

const SILENT: PluginLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** `helpers` for `create`: the gateway's logger with `[PLUGIN: name]` in front. */
export function pluginHelpers(name: string, log: Logger | PluginLogger | undefined): PluginHelpers {
  if (!log) return { name, log: SILENT };
  const prefix = `[PLUGIN: ${name}]`;
  return {
    name,
    log: {
      debug: (m) => log.debug(`${prefix} ${m}`),
      info: (m) => log.info(`${prefix} ${m}`),
      warn: (m) => log.warn(`${prefix} ${m}`),
      error: (m) => log.error(`${prefix} ${m}`),
    },
  };
}

/** Calls a registration's `create`, turning a throw into HGW_PLUGIN_FAILED. */
export function createPlugin<R extends PluginRegistration>(registration: R, config: PluginConfig, log: Logger | PluginLogger | undefined): ReturnType<R['create']> {
  try {
    return registration.create(config, pluginHelpers(registration.name, log)) as ReturnType<R['create']>;
  } catch (e) {
    throw new PluginError('HGW_PLUGIN_FAILED', `${registration.kind} plugin "${registration.name}": create() threw: ${errorText(e)}`, { cause: e });
  }
}

export function errorText(e: unknown): string {
  if (e instanceof Error) return e.message || e.name;
  return String(e);
}
