import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ROOT } from '../helpers/cli.js';

/**
 * Which way imports may point (design.md §3; issue 17 point 4). From the bottom up:
 *
 * - `runtime/plan/` (the Plan's types) imports nothing;
 * - `runtime/shared/`, the floor, imports only itself and the Plan;
 * - `runtime/core/` imports only itself, the floor and the Plan, but for the one exception in
 *   CORE_MAY_IMPORT;
 * - every other folder of `runtime/` is a module folder: it imports itself, core, the floor and the Plan,
 *   never another module folder, but for the exceptions in SIDEWAYS (each with its reason);
 * - `runtime/settings/`, the roof, names every module's settings type for the Plan (module
 *   augmentation): type imports only, and nothing in runtime/ imports it (generated entries and cli/ do);
 * - `runtime/` never imports `cli/`.
 *
 * A new upward or sideways import fails here; moving the helper into the floor is the fix. An exception
 * no import uses any more fails too, so the lists only shrink.
 */
function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? tsFiles(path) : name.endsWith('.ts') ? [path] : [];
  });
}

/** Relative import targets of a file, as paths from the repo root. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)) out.push(relative(ROOT, resolve(dirname(file), m[1]!)).replace(/\.js$/, '.ts'));
  return out;
}

/** `runtime/<folder>/` of a path under runtime/. */
const folderOf = (path: string): string => path.split('/').slice(0, 2).join('/') + '/';

/** The only import of core that leaves core, the floor and the Plan. */
const CORE_MAY_IMPORT: Record<string, string> = {
  // The server owns the process's connection pools: it creates them before the upstreams and closes them after draining.
  'runtime/core/start.ts': 'runtime/upstream/http/pools.ts',
};

/** Module folder → the other module folders' files (or folders, ending in /) it may import, and why. */
const SIDEWAYS: Record<string, Record<string, string>> = {
  'runtime/routes/': {
    'runtime/auth/iam/': "the Go ingress gates `auth: true` hosts itself, with the IAM gate's verifier, claims and identity headers",
    'runtime/upstream/http/pools.ts': "the reverse proxy reaches route targets through undici pools of its own, sized from the service's client settings",
  },
  'runtime/relay/': {
    'runtime/auth/iam/': 'the relay (a second program, `hgw build --relay`) gates calls with the IAM gate',
    'runtime/zap/wire/': 'the relay speaks ZAP',
    'runtime/upstream/zap/zap-peers.ts': 'the relay dials its peers as the zap upstream does',
  },
  'runtime/upstream/': {
    'runtime/zap/wire/': 'the zap upstream speaks ZAP',
  },
};

const FLOOR = ['runtime/shared/', 'runtime/plan/'];
const ROOF = 'runtime/settings/';

describe('import direction', () => {
  const runtime = tsFiles(join(ROOT, 'runtime'));
  const edges = runtime.flatMap((f) => importsOf(f).map((to) => ({ from: relative(ROOT, f), to })));
  const show = ({ from, to }: { from: string; to: string }) => `${from} → ${to}`;

  it('runtime/ never imports cli/', () => {
    expect(edges.filter((e) => !e.to.startsWith('runtime/')).map(show)).toEqual([]);
  });

  it('runtime/plan/ imports nothing', () => {
    expect(edges.filter((e) => e.from.startsWith('runtime/plan/') && !e.to.startsWith('runtime/plan/')).map(show)).toEqual([]);
  });

  it('the floor (runtime/shared/) imports nothing outside it but the Plan', () => {
    expect(edges.filter((e) => e.from.startsWith('runtime/shared/') && !FLOOR.some((p) => e.to.startsWith(p))).map(show)).toEqual([]);
  });

  it('runtime/core/ imports only the floor, but for the server owning the connection pools', () => {
    const bad = edges.filter((e) => e.from.startsWith('runtime/core/') && !e.to.startsWith('runtime/core/') && !FLOOR.some((p) => e.to.startsWith(p)) && CORE_MAY_IMPORT[e.from] !== e.to);
    expect(bad.map(show)).toEqual([]);
    for (const [from, to] of Object.entries(CORE_MAY_IMPORT)) expect(edges.some((e) => e.from === from && e.to === to), `unused exception ${from} → ${to}`).toBe(true);
  });

  it('module folders import core and the floor, never each other but for the listed exceptions', () => {
    const allowed = (from: string, to: string) => Object.keys(SIDEWAYS[folderOf(from)] ?? {}).some((p) => (p.endsWith('/') ? to.startsWith(p) : to === p));
    const sideways = edges.filter((e) => {
      const folder = folderOf(e.from);
      if (['runtime/core/', ROOF, ...FLOOR].includes(folder)) return false;
      return !e.to.startsWith(folder) && !e.to.startsWith('runtime/core/') && !FLOOR.some((p) => e.to.startsWith(p));
    });
    expect(sideways.filter((e) => !allowed(e.from, e.to)).map(show)).toEqual([]);
    for (const [folder, targets] of Object.entries(SIDEWAYS)) {
      for (const target of Object.keys(targets)) {
        const used = sideways.some((e) => e.from.startsWith(folder) && (target.endsWith('/') ? e.to.startsWith(target) : e.to === target));
        expect(used, `unused exception ${folder} → ${target}`).toBe(true);
      }
    }
  });

  it('the roof (runtime/settings/) only names types, and nothing in runtime/ imports it', () => {
    expect(edges.filter((e) => e.to.startsWith(ROOF) && !e.from.startsWith(ROOF)).map(show)).toEqual([]);
    const roofFiles = runtime.filter((f) => relative(ROOT, f).startsWith(ROOF));
    expect(roofFiles.length).toBeGreaterThan(0);
    for (const f of roofFiles) {
      const valueImports = readFileSync(f, 'utf8').split('\n').filter((l) => /^import\s/.test(l) && !/^import type\s/.test(l));
      expect(valueImports, relative(ROOT, f)).toEqual([]);
    }
  });

  it('the test sees imports at all (a broken scan would pass everything)', () => {
    expect(importsOf(join(ROOT, 'runtime/core/start.ts'))).toContain('runtime/upstream/http/pools.ts');
    expect(importsOf(join(ROOT, 'runtime/core/start.ts'))).toContain('runtime/shared/log/logger.ts');
  });
});
