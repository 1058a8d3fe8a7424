import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface HgwPackage {
  version: string;
  /** Where users report bugs: package.json's `bugs.url`. */
  bugsUrl: string;
}

let cached: HgwPackage | undefined;

/** hgw's own package.json (found from source or from the bundled lib/). */
function hgwPackage(): HgwPackage {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string; bugs?: { url?: string } };
      if (pkg.name === 'hgw' && pkg.version) return (cached = { version: pkg.version, bugsUrl: pkg.bugs?.url ?? '' });
    } catch {
      // keep walking up
    }
    dir = dirname(dir);
  }
  return (cached = { version: '0.0.0', bugsUrl: '' });
}

/** hgw's own version, from package.json. */
export function hgwVersion(): string {
  return hgwPackage().version;
}

/** The issue tracker named in package.json, for the "internal error" message. */
export function hgwBugsUrl(): string {
  return hgwPackage().bugsUrl;
}
