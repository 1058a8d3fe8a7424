// Bundles the TypeScript CLI into lib/hgw.mjs (npm packages stay external) so `hgw`
// starts without a TypeScript loader, and precompiles schemas/ into
// lib/schema-validators.cjs. Runs on `npm install` / `npm ci` (the prepare script).
// Code splitting keeps each command's dynamic import() a chunk of its own
// (lib/chunks/), so `hgw --version` and `hgw check` never load ts-morph or esbuild.
import { build } from 'esbuild';
import { mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lib = join(root, 'lib');
mkdirSync(lib, { recursive: true });
rmSync(join(lib, 'chunks'), { recursive: true, force: true }); // chunk names carry hashes: drop stale ones
const common = { bundle: true, platform: 'node', target: 'node20', format: 'esm', packages: 'external', logLevel: 'warning', legalComments: 'none' };
await build({
  ...common,
  entryPoints: { hgw: join(root, 'cli/bin.ts') },
  outdir: lib,
  outExtension: { '.js': '.mjs' },
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: 'linked',
});
await build({ ...common, entryPoints: [join(root, 'cli/validate/precompile.ts')], outfile: join(lib, 'precompile.mjs') });
const { precompileSchemas } = await import(pathToFileURL(join(lib, 'precompile.mjs')).href);
precompileSchemas(join(root, 'schemas'), lib);
