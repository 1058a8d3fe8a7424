// Bundles the TypeScript CLI into lib/hgw.mjs (npm packages stay external) so `hgw`
// starts without a TypeScript loader, and precompiles schemas/ into
// lib/schema-validators.cjs. Runs on `npm install` / `npm ci` (the prepare script).
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lib = join(root, 'lib');
mkdirSync(lib, { recursive: true });
const common = { bundle: true, platform: 'node', target: 'node20', format: 'esm', packages: 'external', logLevel: 'warning', legalComments: 'none' };
await build({ ...common, entryPoints: [join(root, 'cli/bin.ts')], outfile: join(lib, 'hgw.mjs'), sourcemap: 'linked' });
await build({ ...common, entryPoints: [join(root, 'cli/validate/precompile.ts')], outfile: join(lib, 'precompile.mjs') });
const { precompileSchemas } = await import(pathToFileURL(join(lib, 'precompile.mjs')).href);
precompileSchemas(join(root, 'schemas'), lib);
