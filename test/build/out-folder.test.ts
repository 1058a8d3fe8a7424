/**
 * `hgw build --out` that cannot take a build is a usage error (exit 2) with a message naming the problem,
 * found before anything is built and leaving nothing behind — not exit 1 (config findings) or 3 (a bug).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runHgw } from '../helpers/cli.js';
import { base } from '../helpers/check.js';

const work = mkdtempSync(join(tmpdir(), 'hgw-out-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const config = join(work, 'gateway.json');
writeFileSync(config, JSON.stringify(base([{ endpoint: '/a', backend: [{ url_pattern: '/a' }] }])));

/** A real process: the exit code is what the shell sees, and a hang in mkdir is cut off by runHgw's timeout. */
const build = (out: string) => runHgw(['build', config, '--out', out]);

describe('hgw build --out', () => {
  it('that is a file: exit 2, and the file is untouched', () => {
    const file = join(work, 'a-file');
    writeFileSync(file, 'mine');
    const r = build(file);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`hgw: --out ${file} is a file, not a folder`);
    expect(readFileSync(file, 'utf8')).toBe('mine');
  });

  it('under a file: exit 2, naming the file', () => {
    const file = join(work, 'another-file');
    writeFileSync(file, 'mine');
    const r = build(join(file, 'sub', 'dist'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`: ${file} is a file, not a folder`);
  });

  it('a non-empty folder that is not an hgw build: exit 2, and nothing in it changes', () => {
    const mine = join(work, 'project');
    mkdirSync(mine);
    writeFileSync(join(mine, 'precious.txt'), 'keep me');
    const r = build(mine);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`hgw: --out ${mine} is not empty and holds no hgw build (manifest.json)`);
    expect(readdirSync(mine)).toEqual(['precious.txt']);
  });

  it('under /sys (takes no folders, even for root): exit 2, cannot create a folder', () => {
    const r = build('/sys/hgw-out-test/dist');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^hgw: --out \/sys\/hgw-out-test\/dist: cannot create a folder in \/sys \((operation not permitted, EPERM|permission denied, EACCES)\)$/m);
  });

  it('under /proc (mkdir answers ENOENT, where a recursive mkdir would spin): exit 2, not a hang', () => {
    const r = build('/proc/hgw-out-test/dist');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot create a folder in \/proc \(/);
  });

  it('a new folder under new folders works, and a previous hgw build is replaced', () => {
    const out = join(work, 'deep', 'er', 'dist');
    expect(build(out).code).toBe(0);
    expect(readdirSync(out)).toContain('manifest.json');
    expect(build(out).code).toBe(0);
    expect(readdirSync(join(work, 'deep', 'er'))).toEqual(['dist']);
  });
});
