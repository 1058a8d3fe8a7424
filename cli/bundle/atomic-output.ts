import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { HgwError } from '../errors.js';

/**
 * Writes a build's files so that `out/` is either the old build or the new
 * one, never a mix: files go to a sibling temporary folder, which then
 * replaces `out/` by rename. A folder that holds something other than an hgw
 * build (no manifest.json) is never replaced, so `--out .` cannot wipe a project.
 */
export function writeAtomically(outDir: string, files: Map<string, Uint8Array | string>): void {
  checkOutDir(outDir);
  const out = resolve(outDir);
  const parent = dirname(out);
  makeFolders(outDir, parent);
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const staging = join(parent, `.${basename(out)}.hgw-tmp-${tag}`);
  const previous = join(parent, `.${basename(out)}.hgw-old-${tag}`);
  try {
    mkdirSync(staging);
  } catch (e) {
    throw cannotWrite(outDir, parent, e);
  }
  try {
    for (const [name, bytes] of files) {
      const target = join(staging, name);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, bytes);
    }
    if (existsSync(out)) renameSync(out, previous);
    renameSync(staging, out);
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    if (existsSync(previous) && !existsSync(out)) renameSync(previous, out);
    throw new HgwError('HGW_BUILD_FAILED', `writing ${outDir} failed: ${(e as Error).message}`, { cause: e });
  }
  rmSync(previous, { recursive: true, force: true });
}

/**
 * `--out` problems are usage errors (exit 2), found before anything is built: a file, a folder that is
 * not an hgw build, a path under a file, or a place that takes no new folder. Writability is probed with
 * a real folder, since permission bits do not tell (root, read-only mounts, /sys, /proc).
 */
export function checkOutDir(outDir: string): void {
  const out = resolve(outDir);
  if (existsSync(out)) {
    if (!statSync(out).isDirectory()) throw usage(`--out ${outDir} is a file, not a folder`);
    if (readdirSync(out).length > 0 && !existsSync(join(out, 'manifest.json'))) {
      throw usage(`--out ${outDir} is not empty and holds no hgw build (manifest.json); choose an empty or new folder`);
    }
  }
  let existing = dirname(out);
  while (!existsSync(existing)) existing = dirname(existing);
  if (!statSync(existing).isDirectory()) throw usage(`--out ${outDir}: ${existing} is a file, not a folder`);
  let probe: string;
  try {
    probe = mkdtempSync(join(existing, '.hgw-probe-'));
  } catch (e) {
    throw cannotWrite(outDir, existing, e);
  }
  rmdirSync(probe);
}

/** mkdir -p one level at a time: Node's recursive mkdir spins forever where mkdir answers ENOENT (/proc). */
function makeFolders(outDir: string, dir: string): void {
  if (existsSync(dir)) return;
  makeFolders(outDir, dirname(dir));
  try {
    mkdirSync(dir);
  } catch (e) {
    throw cannotWrite(outDir, dirname(dir), e);
  }
}

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOENT: 'this file system takes no new folders there',
  ENOTDIR: 'a part of the path is a file',
  ENOSPC: 'no space left on the device',
};

function cannotWrite(outDir: string, where: string, e: unknown): HgwError {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  return usage(`--out ${outDir}: cannot create a folder in ${where} (${REASONS[code] ?? (e as Error).message}${code ? `, ${code}` : ''})`);
}

function usage(message: string): HgwError {
  return new HgwError('HGW_USAGE', message);
}
