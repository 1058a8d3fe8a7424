import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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
  const out = resolve(outDir);
  if (existsSync(out) && readdirSync(out).length > 0 && !existsSync(join(out, 'manifest.json'))) {
    throw new HgwError('HGW_BUILD_FAILED', `${outDir} is not empty and holds no hgw build (manifest.json); choose an empty or new folder`);
  }
  const parent = dirname(out);
  mkdirSync(parent, { recursive: true });
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const staging = join(parent, `.${basename(out)}.hgw-tmp-${tag}`);
  const previous = join(parent, `.${basename(out)}.hgw-old-${tag}`);
  try {
    mkdirSync(staging);
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
