/**
 * A clone tests itself: nothing in the repo reads test data from beside it (the shared reference folder
 * next to the repo in the workspace the project was written in), and a copy of the repo in a folder with nothing beside it runs
 * the tests that read the vendored fixtures.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { copyRepo, repoFiles } from '../helpers/repo-copy.js';

const SELF = 'test/repo/self-contained.test.ts';

const insideRepo = (abs: string) => {
  const rel = relative(ROOT, abs);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
};

/** The folders of the workspace's shared/ that the tests and benches used to read; they live in fixtures/ now. */
const DATA = /\bshared\/(?:krakend-ce|krakend-schema|real-configs)\b/g;
/** A relative path that climbs with `..` to a folder named shared. */
const CLIMB = /(?:\.\.\/)+(?:[\w-]+\/)*?shared(?=[/'"`]|$)/gm;
/** A `join(root, '..', <folder>)` whose second part names the shared folder. */
const JOINED = /['"`]\.\.['"`]\s*,\s*['"`]shared['"`]/g;

/**
 * References in `text` (the content of repo file `file`) to test data outside the repo: a path to the
 * data folders that moved to fixtures/, a climb to a `shared` folder that is not a folder of the repo read
 * from the file's folder (runtime/shared/upstream/ is one), or `'..', 'shared'` joined.
 */
function outsideReferences(file: string, text: string): string[] {
  const found = [...text.matchAll(DATA), ...text.matchAll(JOINED)].map((m) => m[0]);
  for (const [token] of text.matchAll(CLIMB)) {
    const target = resolve(ROOT, dirname(file), token);
    if (!insideRepo(target) || !existsSync(target) || !statSync(target).isDirectory()) found.push(token);
  }
  return found;
}

/** The folder name, kept out of literal paths so this file's own examples are not references themselves. */
const S = 'shared';

describe('the repo is self-contained', () => {
  it('the scanner flags every way a file has reached the folder beside the repo, and not the repo’s own shared folders', () => {
    expect(outsideReferences('test/helpers/cli.ts', `new URL('../../../${S}/', import.meta.url)`)).toEqual([`../../../${S}`]);
    expect(outsideReferences('test/runtime/encoding/x.test.ts', `new URL('../../../../${S}/krakend-ce/specs/', u)`)).toContain(`../../../../${S}`);
    expect(outsideReferences('bench/x.mjs', `join(root, '..', '${S}', 'real-configs')`)).toEqual([`'..', '${S}'`]);
    expect(outsideReferences('bench/x.mjs', `join(root, '../${S}/real-configs/example-gateway.json')`)).toContain(`../${S}`);
    expect(outsideReferences('README.md', `the configs in /work/${S}/real-configs`)).toEqual([`${S}/real-configs`]);
    expect(outsideReferences('test/x.test.ts', 'request(`${url}/shared-global`)')).toEqual([]);
    expect(outsideReferences('runtime/upstream/zap/zap-upstream.ts', `from '../../${S}/upstream/synthetic-response.js'`)).toEqual([]);
    expect(outsideReferences('runtime/plugins/modifier-stage.ts', `from '../${S}/upstream/synthetic-response.js'`)).toEqual([]);
  });

  it('no file of the repo reads from a shared folder outside it', () => {
    const offenders: string[] = [];
    for (const file of repoFiles()) {
      if (file.startsWith('fixtures/')) continue; // data, not readers
      if (file === SELF) continue; // the scanner's own examples above
      const buf = readFileSync(join(ROOT, file));
      if (buf.includes(0)) continue; // binary
      for (const ref of outsideReferences(file, buf.toString('utf8'))) offenders.push(`${file}: ${ref}`);
    }
    expect(offenders).toEqual([]);
  });

  describe('a copy in a folder with nothing beside it', () => {
    const parent = mkdtempSync(join(tmpdir(), 'hgw-clone-'));
    afterAll(() => rmSync(parent, { recursive: true, force: true }));

    it('runs the tests that read the vendored fixtures', () => {
      const copy = join(parent, 'hgw');
      copyRepo(copy);
      expect(existsSync(join(parent, S))).toBe(false);
      // Schema, lint and encoding tests read krakend-ce/, real-configs/ and the specs; the global setup
      // builds lib/ in the copy, as `npm test` does.
      const files = ['test/validate/schema.test.ts', 'test/lint/routes-ingress.test.ts', 'test/runtime/encoding/krakend-specs.test.ts'];
      const r = spawnSync(process.execPath, [join(copy, 'node_modules/vitest/vitest.mjs'), 'run', ...files], {
        cwd: copy,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', CI: '1' },
        encoding: 'utf8',
        timeout: 240_000,
      });
      expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/Test Files\s+3 passed \(3\)/);
    }, 300_000);
  });
});
