/** The repo's own files, and copies of them, for tests of the repo as a user gets it (a clone, a package). */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ROOT } from './cli.js';

/** Tracked files plus new ones not yet committed (not ignored ones: node_modules, lib/). */
export function repoFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
  return out.split('\0').filter((f) => f !== '' && existsSync(join(ROOT, f)));
}

/** Copies the repo's files to `dest` (what a clone holds), with node_modules linked to the repo's installed one. */
export function copyRepo(dest: string): void {
  for (const file of repoFiles()) {
    mkdirSync(dirname(join(dest, file)), { recursive: true });
    cpSync(join(ROOT, file), join(dest, file));
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dest, 'node_modules'), 'dir');
}
