/**
 * hgw installs as a package: `npm pack` (its prepack builds lib/) gives a tarball with the built CLI and
 * what codegen reads at build time, and no tests, benches or fixtures; installed into a scratch project
 * with no network, `npx hgw check`, `npx hgw build` and the built bundle work from there.
 *
 * Offline: the scratch project gets a lockfile made of the repo's own (its non-dev entries, which are
 * hgw's dependencies, hoisted as in the repo) plus the tarball, so `npm ci --offline` takes every
 * package from npm's cache, which the repo's `npm ci` filled. The packing runs in a copy of the repo so
 * its prepack does not rewrite lib/ under the feet of tests running beside it.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { copyRepo } from '../helpers/repo-copy.js';
import { LISTENING, spawnWatched, type Spawned } from '../helpers/processes.js';
import { echoHandler, request, startServer, type TestServer } from '../helpers/servers.js';
import type { Manifest } from '../../cli/bundle/manifest.js';

interface PackageJson {
  name: string;
  version: string;
  license: string;
  bin: Record<string, string>;
  engines: Record<string, string>;
  dependencies: Record<string, string>;
  bugs: { url: string };
}
interface LockEntry {
  dev?: boolean;
}

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as PackageJson;
const work = mkdtempSync(join(tmpdir(), 'hgw-package-'));
const scratch = join(work, 'scratch');
const tarball = `${pkg.name}-${pkg.version}.tgz`;

/** npm and npx with only what they need from the environment: no registry, npm's usual cache. */
function npm(args: string[], cwd: string, tool = 'npm'): SpawnSyncReturns<string> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', npm_config_offline: 'true', npm_config_update_notifier: 'false' };
  if (process.env.npm_config_cache) env.npm_config_cache = process.env.npm_config_cache;
  return spawnSync(tool, args, { cwd, env, encoding: 'utf8', timeout: 180_000 });
}
const npx = (args: string[]) => npm(args, scratch, 'npx');
const said = (r: SpawnSyncReturns<string>) => `exit ${r.status}\n${r.stdout}\n${r.stderr}`;

/** The scratch project's lockfile: the tarball, and the repo's locked production dependencies. */
function scratchLock(spec: string): unknown {
  const repoLock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const packages: Record<string, unknown> = {
    '': { name: 'scratch', version: '1.0.0', dependencies: { hgw: spec } },
    'node_modules/hgw': { version: pkg.version, resolved: spec, license: pkg.license, dependencies: pkg.dependencies, bin: pkg.bin, engines: pkg.engines },
  };
  for (const [path, entry] of Object.entries(repoLock.packages)) if (path.startsWith('node_modules/') && !entry.dev) packages[path] = entry;
  return { name: 'scratch', version: '1.0.0', lockfileVersion: 3, requires: true, packages };
}

let backend: TestServer | undefined;
let gateway: Spawned | undefined;
afterAll(async () => {
  if (gateway?.child.exitCode === null) gateway.child.kill('SIGKILL');
  await backend?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('the npm package', () => {
  it('npm pack --dry-run lists the CLI, runtime sources, templates, schemas and LICENSE, and no tests, benches or fixtures', () => {
    // lib/ is already built (the global setup); --ignore-scripts keeps this listing from rebuilding it.
    const r = npm(['pack', '--dry-run', '--json', '--ignore-scripts'], ROOT);
    expect(r.status, said(r)).toBe(0);
    const files = (JSON.parse(r.stdout) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'bin/hgw.mjs', 'lib/hgw.mjs', 'lib/schema-validators.cjs', 'lib/schema-validators.json', 'templates/entry.ts', 'schemas/gateway.schema.json', 'runtime/core/start.ts']));
    expect(files.filter((f) => /^(test|bench|fixtures|scripts|docs|\.ci)\//.test(f) || /\.test\.ts$/.test(f))).toEqual([]);
    expect(files.filter((f) => !/^(bin|lib|runtime|templates|schemas|deploy)\//.test(f)).sort()).toEqual(['LICENSE', 'README.md', 'package.json']);
    // hgw build --k8s copies the bundle Dockerfile from deploy/.
    expect(files).toContain('deploy/bundle.Dockerfile');
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(/^\s*Apache License\s+Version 2\.0, January 2004/);
  });

  describe('packed, installed offline into a scratch project', () => {
    beforeAll(() => {
      const clone = join(work, 'hgw');
      copyRepo(clone);
      const packed = npm(['pack', '--pack-destination', work], clone); // runs prepack: lib/ is built in the copy
      expect(packed.status, said(packed)).toBe(0);
      mkdirSync(scratch);
      const spec = `file:../${tarball}`;
      writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'scratch', version: '1.0.0', private: true, dependencies: { hgw: spec } }));
      writeFileSync(join(scratch, 'package-lock.json'), JSON.stringify(scratchLock(spec)));
      const installed = npm(['ci', '--offline', '--no-audit', '--no-fund'], scratch);
      expect(installed.status, `npm ci --offline needs hgw's dependencies in npm's cache (the repo's npm ci puts them there)\n${said(installed)}`).toBe(0);
    }, 300_000);

    it('npx hgw check passes a good config, and --fail-on warning fails one with a typo in a key', () => {
      writeFileSync(join(scratch, 'typo.json'), JSON.stringify({ version: 3, endpoints: [{ endpoint: '/a', timout: '1s', backend: [{ url_pattern: '/a', host: ['http://127.0.0.1:8000'] }] }] }));
      expect(npx(['hgw', 'check', 'typo.json']).status).toBe(0);
      const strict = npx(['hgw', 'check', '--fail-on', 'warning', 'typo.json']);
      expect(strict.status, said(strict)).toBe(1);
      expect(strict.stderr + strict.stdout).toContain('timout');
    });

    it('npx hgw build writes a bundle that serves a request from a real backend', async () => {
      backend = await startServer(echoHandler);
      const config = { version: 3, endpoints: [{ endpoint: '/hello', output_encoding: 'no-op', backend: [{ url_pattern: '/echo', host: [backend.url] }] }] };
      writeFileSync(join(scratch, 'gateway.json'), JSON.stringify(config));
      expect(npx(['hgw', 'check', 'gateway.json']).status).toBe(0);
      const built = npx(['hgw', 'build', 'gateway.json', '--out', 'dist']);
      expect(built.status, said(built)).toBe(0);
      const manifest = JSON.parse(readFileSync(join(scratch, 'dist/manifest.json'), 'utf8')) as Manifest;
      expect(manifest.hgw.version).toBe(pkg.version);
      // hgw's dependencies are its siblings in node_modules here; the manifest still names them as packages.
      // The default (hanzo) profile links the IAM gate, so jose too.
      expect(manifest.linked.packages.map((p) => p.name)).toEqual(['jose', 'undici']);
      expect(manifest.linked.runtime.every((r) => r.file.startsWith('runtime/'))).toBe(true);
      gateway = spawnWatched(process.execPath, ['dist/gateway.mjs', '-p', '0'], { PATH: process.env.PATH, NO_COLOR: '1' }, scratch);
      const port = (await gateway.waitFor(LISTENING))[1];
      const res = await request(`http://127.0.0.1:${port}/hello`);
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toMatchObject({ method: 'GET', url: '/echo' });
    });

    it('an internal error says where to report it (package.json bugs.url)', () => {
      rmSync(join(scratch, 'node_modules/hgw/schemas'), { recursive: true }); // a broken install: hgw cannot find its schemas
      const r = npx(['hgw', 'check', 'gateway.json']);
      expect(r.status).toBe(3);
      expect(r.stderr).toContain(`hgw: internal error: hgw: cannot find the schemas/ folder next to the CLI`);
      expect(r.stderr).toContain(`please report it at ${pkg.bugs.url}`);
    });
  });
});
