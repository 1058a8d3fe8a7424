import { runtimeAlias } from '../bundle/bundle-entry.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build, type Message } from 'esbuild';

/** TypeScript plugin sources; they are bundled to a temporary .mjs before Node imports them. */
export const TYPESCRIPT = /\.(ts|mts|cts)$/;

/** `hgw test-plugin` imports JavaScript plugins as they are, the way the gateway will. */
export function needsCompiling(file: string): boolean {
  return TYPESCRIPT.test(file) && !file.endsWith('.d.ts');
}

/** A CommonJS dependency bundled into ESM needs a real `require` (as in the gateway bundle). */
const BANNER = "import { createRequire as __hgwCreateRequire } from 'node:module';\nconst require = __hgwCreateRequire(import.meta.url);";

export type CompileResult = { ok: true; file: string } | { ok: false; message: string };

/**
 * Temporary output folders of one run, removed by `dispose` (after the
 * modules in them were imported: Node keeps an imported module in memory).
 */
export class CompiledPlugins {
  private readonly dirs: string[] = [];

  constructor(private readonly packageRoot: string) {}

  /**
   * Bundles a TypeScript plugin with esbuild (types stripped, npm
   * dependencies bundled in, `@hgw/runtime/…` resolved to hgw's runtime/) to
   * a temporary .mjs; a syntax error comes back as `file:line:col: text`.
   */
  async compile(file: string): Promise<CompileResult> {
    const dir = mkdtempSync(join(tmpdir(), 'hgw-plugin-'));
    this.dirs.push(dir);
    const out = join(dir, 'plugin.mjs');
    try {
      await build({
        entryPoints: [resolve(file)],
        outfile: out,
        bundle: true,
        platform: 'node',
        target: 'node20',
        format: 'esm',
        banner: { js: BANNER },
        sourcemap: 'inline',
        logLevel: 'silent',
        plugins: [runtimeAlias(this.packageRoot)],
      });
    } catch (e) {
      const errors = (e as { errors?: Message[] }).errors;
      const first = errors?.[0];
      if (!first) return { ok: false, message: String((e as Error)?.message ?? e).split('\n')[0]! };
      const at = first.location ? `${first.location.file}:${first.location.line}:${first.location.column + 1}: ` : '';
      return { ok: false, message: `${at}${first.text}` };
    }
    return { ok: true, file: out };
  }

  dispose(): void {
    for (const d of this.dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  }
}
