import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { PluginRegistration } from '../../../runtime/plugins/plugin-api.js';
import { loadPluginFile, loadPluginFolder } from '../../../runtime/plugins/load-plugins.js';
import {
  assertHgwVersion, configuredNames, createPlugin, findPlugin, PluginError, pluginConfig, pluginHelpers, registrationsOf,
} from '../../../runtime/plugins/registrations.js';

const FIXTURES = fileURLToPath(new URL('../../../fixtures/plugins/', import.meta.url));

const server = (name: string, hgw = '*'): PluginRegistration => ({ name, hgw, kind: 'server', create: () => (_q, _s, next) => next() });
const client = (name: string): PluginRegistration => ({ name, hgw: '*', kind: 'client', create: () => async () => ({ status: 200 }) });

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return (e as PluginError).code;
  }
  return undefined;
}

function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return '';
}

describe('registrationsOf: what a module exports', () => {
  it('takes the default export: one registration or an array', () => {
    expect(registrationsOf({ default: server('a') }, 'm.js')).toMatchObject({ exportName: 'default', registrations: [{ name: 'a' }] });
    expect(registrationsOf({ default: [server('a'), client('a')] }, 'm.js').registrations.map((r) => r.kind)).toEqual(['server', 'client']);
  });

  it('takes a `plugin` export when the default is not a plugin, and CommonJS `module.exports = {plugin}`', () => {
    expect(registrationsOf({ plugin: [server('a')], default: { helper: 1 } }, 'm.js')).toMatchObject({ exportName: 'plugin', registrations: [{ name: 'a' }] });
    expect(registrationsOf({ default: { plugin: server('b') } }, 'm.cjs')).toMatchObject({ exportName: 'default', registrations: [{ name: 'b' }] });
  });

  it('a module without registrations is HGW_PLUGIN_MISSING', () => {
    for (const ns of [{}, { default: 42 }, { default: { shout: () => '' } }, { default: [] }, { helper: () => 1 }]) {
      expect(codeOf(() => registrationsOf(ns, 'm.js')), JSON.stringify(ns)).toBe('HGW_PLUGIN_MISSING');
    }
  });

  it('a malformed registration is HGW_PLUGIN_INVALID with the field named', () => {
    const bad: Array<[unknown, string]> = [
      [{ name: 'a', hgw: '*', kind: 'server' }, 'default ("a"): "create" must be a function (got undefined)'],
      [{ name: '', hgw: '*', kind: 'server', create() {} }, 'default: "name" must be a non-empty string (got "")'],
      [{ name: 'a', hgw: 1, kind: 'server', create() {} }, 'default ("a"): "hgw" must be a semver range string such as ">=0.1 <1" (got number 1)'],
      [{ name: 'a', hgw: '*', kind: 'router', create() {} }, 'default ("a"): "kind" must be \'server\', \'client\' or \'modifier\' (got "router")'],
      [{ name: 'a', hgw: '*', kind: 'client', create() {}, exampleConfig: 'x' }, 'default ("a"): "exampleConfig" must be an object'],
    ];
    for (const [value, message] of bad) {
      expect(codeOf(() => registrationsOf({ default: value }, 'm.js'))).toBe('HGW_PLUGIN_INVALID');
      expect(messageOf(() => registrationsOf({ default: value }, 'm.js'))).toBe(message);
    }
    expect(messageOf(() => registrationsOf({ default: [server('a'), 7] }, 'm.js'))).toBe('default[1] is not a plugin registration object (got number 7)');
  });

  it('two plugins of one kind may not share a name (one of each kind may)', () => {
    expect(messageOf(() => registrationsOf({ default: [server('a'), server('a')] }, 'm.js'))).toBe('two server plugins are named "a"');
    expect(registrationsOf({ default: [server('a'), client('a')] }, 'm.js').registrations).toHaveLength(2);
  });
});

describe('plugin config and lookup', () => {
  it('reads KrakenD\'s `name` as a string or an array, in order', () => {
    expect(configuredNames({ name: ['b', 'a'] })).toEqual(['b', 'a']);
    expect(configuredNames({ name: 'x' })).toEqual(['x']);
    expect(configuredNames({ name: '' })).toEqual([]);
    expect(configuredNames({})).toEqual([]);
    expect(configuredNames(undefined)).toEqual([]);
  });

  it('hands a plugin its own slice, {} when absent', () => {
    expect(pluginConfig({ name: ['a'], a: { x: 1 } }, 'a')).toEqual({ x: 1 });
    expect(pluginConfig({ name: ['a'] }, 'a')).toEqual({});
    expect(pluginConfig({ name: ['a'], a: 'str' }, 'a')).toEqual({});
  });

  it('names what is loaded when a configured plugin is not', () => {
    expect(codeOf(() => findPlugin([server('a'), server('b'), client('c')], 'server', 'x'))).toBe('HGW_PLUGIN_NOT_FOUND');
    expect(messageOf(() => findPlugin([server('a'), server('b'), client('c')], 'server', 'x'))).toBe('plugin/http-server: no server plugin named "x" is loaded (loaded: a, b)');
    expect(messageOf(() => findPlugin([server('a')], 'modifier', 'x'))).toBe('plugin/req-resp-modifier: no modifier plugin named "x" is loaded (no modifier plugin is loaded)');
    expect(findPlugin([server('a'), client('a')], 'client', 'a').kind).toBe('client');
  });

  it('checks the hgw range against a version', () => {
    expect(() => assertHgwVersion(server('a', '>=0.1 <1'), '0.1.0')).not.toThrow();
    expect(messageOf(() => assertHgwVersion(server('a', '>=2'), '0.1.0'))).toBe('server plugin "a": requires hgw >=2, this is hgw 0.1.0');
    expect(messageOf(() => assertHgwVersion(server('a', 'latest'), '0.1.0'))).toBe('server plugin "a": "hgw": "latest" is not a valid semver range');
    expect(codeOf(() => assertHgwVersion(server('a', 'latest'), '0.1.0'))).toBe('HGW_PLUGIN_VERSION');
  });

  it('create() gets its config and a logger prefixed with its name; a throw becomes HGW_PLUGIN_FAILED', () => {
    const lines: string[] = [];
    const log = { debug: (m: string) => lines.push(`D ${m}`), info: (m: string) => lines.push(`I ${m}`), warn: (m: string) => lines.push(`W ${m}`), error: (m: string) => lines.push(`E ${m}`) };
    let seen: unknown;
    const reg: PluginRegistration = {
      name: 'p',
      hgw: '*',
      kind: 'server',
      create: (config, helpers) => {
        seen = config;
        helpers.log.info(`hello ${helpers.name}`);
        return (_q, _s, next) => next();
      },
    };
    createPlugin(reg, { a: 1 }, log);
    expect(seen).toEqual({ a: 1 });
    expect(lines).toEqual(['I [PLUGIN: p] hello p']);
    const boom: PluginRegistration = { ...reg, create: () => { throw new Error('no key'); } } as PluginRegistration;
    expect(codeOf(() => createPlugin(boom, {}, log))).toBe('HGW_PLUGIN_FAILED');
    expect(messageOf(() => createPlugin(boom, {}, log))).toBe('server plugin "p": create() threw: no key');
    expect(() => pluginHelpers('q', undefined).log.error('dropped')).not.toThrow();
  });
});

describe('loading plugin modules (what the gateway does at start-up)', () => {
  it('imports a module and validates its registrations', async () => {
    const regs = await loadPluginFile(join(FIXTURES, 'good-bundle.js'), { hgwVersion: '0.1.0' });
    expect(regs.map((r) => `${r.kind}:${r.name}`)).toEqual(['server:request-id', 'client:teapot', 'modifier:drop-cookies']);
  });

  it('refuses a module whose range excludes the running hgw, or that exports nothing', async () => {
    await expect(loadPluginFile(join(FIXTURES, 'wrong-range.mjs'), { hgwVersion: '0.1.0' })).rejects.toMatchObject({ code: 'HGW_PLUGIN_VERSION' });
    await expect(loadPluginFile(join(FIXTURES, 'no-plugin.mjs'))).rejects.toMatchObject({ code: 'HGW_PLUGIN_MISSING' });
    await expect(loadPluginFile(join(FIXTURES, 'syntax-error.mjs'))).rejects.toMatchObject({ code: 'HGW_PLUGIN_FAILED' });
  });

  it('loads every importable file of a folder whose name contains the pattern, in name order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hgw-plugins-'));
    writeFileSync(join(dir, 'b-plugin.mjs'), "export default { name: 'b', hgw: '*', kind: 'server', create: () => (q, s, next) => next() };\n");
    writeFileSync(join(dir, 'a-plugin.js'), "module.exports = { plugin: { name: 'a', hgw: '*', kind: 'client', create: () => async () => ({ status: 204 }) } };\n");
    writeFileSync(join(dir, 'a-plugin.ts'), 'not loaded: TypeScript is compiled first\n');
    writeFileSync(join(dir, 'other.mjs'), 'throw new Error("not loaded: no pattern")\n');
    // a-plugin.js is CommonJS here: the folder has its own package.json.
    writeFileSync(join(dir, 'package.json'), '{"type":"commonjs"}\n');
    const regs = await loadPluginFolder(dir, '-plugin', { hgwVersion: '0.1.0' });
    expect(regs.map((r) => r.name)).toEqual(['a', 'b']);
    writeFileSync(join(dir, 'c-plugin.mjs'), "export default { name: 'b', hgw: '*', kind: 'server', create: () => (q, s, next) => next() };\n");
    await expect(loadPluginFolder(dir, '-plugin')).rejects.toThrow('two server plugins are named "b"');
    await expect(loadPluginFolder(join(dir, 'missing'), '.mjs')).rejects.toMatchObject({ code: 'HGW_PLUGIN_FAILED' });
    rmSync(dir, { recursive: true, force: true });
  });
});
