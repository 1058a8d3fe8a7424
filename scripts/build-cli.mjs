// Bundles the TypeScript CLI into lib/hgw.mjs (npm packages stay external), so
// `hgw` starts without a TypeScript loader. Runs on `npm install` / `npm ci` (prepare).
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
await build({
  entryPoints: [join(root, 'cli/bin.ts')],
  outfile: join(root, 'lib/hgw.mjs'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
  legalComments: 'none',
});
