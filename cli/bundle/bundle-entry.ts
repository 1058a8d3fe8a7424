import { join, relative, sep } from 'node:path';
import { build, type Metafile, type Plugin } from 'esbuild';
import { HgwError } from '../errors.js';

/**
 * entry.ts → one ESM file for Node 20 with esbuild. ESM because plugins and
 * the entry use `import.meta.url`; undici and other CommonJS dependencies then
 * need a real `require`, which the banner provides through createRequire.
 * Nothing is written here: paths are computed against a fixed virtual output
 * folder inside the package, so the source map does not depend on where the
 * caller later writes the files.
 */
export interface BundleOutput {
  /** File name (gateway.mjs, gateway.mjs.map, …) → bytes. */
  files: Map<string, Uint8Array>;
  metafile: Metafile;
}

export const BUNDLE_NAME = 'gateway.mjs';
/** The generated entry's name in the metafile and source map. */
export const ENTRY_FILE = 'entry.ts';

// CommonJS dependencies expect require, __filename and __dirname (wasmoon's loader reads __filename).
const BANNER = [
  "import { createRequire as __hgwCreateRequire } from 'node:module';",
  "import { fileURLToPath as __hgwFileURLToPath } from 'node:url';",
  'const require = __hgwCreateRequire(import.meta.url);',
  'const __filename = __hgwFileURLToPath(import.meta.url);',
  "const __dirname = __hgwFileURLToPath(new URL('.', import.meta.url));",
].join('\n');

export async function bundleEntry(entryText: string, packageRoot: string, options: { minify: boolean }): Promise<BundleOutput> {
  const virtualOut = join(packageRoot, '.hgw-build');
  let result;
  try {
    result = await build({
      stdin: { contents: entryText, loader: 'ts', resolveDir: packageRoot, sourcefile: ENTRY_FILE },
      absWorkingDir: packageRoot,
      outfile: join(virtualOut, BUNDLE_NAME),
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      banner: { js: BANNER },
      minify: options.minify,
      sourcemap: 'linked',
      sourcesContent: true,
      legalComments: 'linked',
      metafile: true,
      write: false,
      logLevel: 'silent',
      plugins: [runtimeAlias(packageRoot)],
    });
  } catch (e) {
    const errors = (e as { errors?: Array<{ text: string; location?: { file: string; line: number } | null }> }).errors;
    const detail = errors?.map((x) => `${x.location ? `${x.location.file}:${x.location.line}: ` : ''}${x.text}`).join('\n') ?? String(e);
    throw new HgwError('HGW_BUILD_FAILED', `esbuild could not bundle the gateway:\n${detail}`, { cause: e });
  }
  const files = new Map<string, Uint8Array>();
  for (const f of result.outputFiles) files.set(relative(virtualOut, f.path).split(sep).join('/'), f.contents);
  return { files, metafile: result.metafile };
}

/** `@hgw/runtime/x/y.js` → <package>/runtime/x/y.ts, so generated code (and plugins) name runtime modules without relative paths. */
export function runtimeAlias(packageRoot: string): Plugin {
  return {
    name: 'hgw-runtime',
    setup(b) {
      b.onResolve({ filter: /^@hgw\/runtime\// }, (args) => ({
        path: join(packageRoot, 'runtime', args.path.slice('@hgw/runtime/'.length).replace(/\.js$/, '.ts')),
      }));
    },
  };
}
