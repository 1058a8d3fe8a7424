import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ROOT } from '../helpers/cli.js';

/**
 * Which way imports may point (design.md §3; issue 17 point 4). The runtime never imports the CLI, the
 * Plan's types import nothing, and the runtime's floor (`runtime/core/`) imports nothing above it but the
 * upstream contract its handlers call through (`upstream/upstream.ts`, types) and the connection pools the
 * server owns (`upstream/http/pools.ts`). A new upward import fails here; moving a helper into the floor
 * is the fix.
 */
function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? tsFiles(path) : name.endsWith('.ts') ? [path] : [];
  });
}

/** Relative import targets of a file, as paths from the repo root. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)) out.push(relative(ROOT, resolve(dirname(file), m[1]!)).replace(/\.js$/, '.ts'));
  return out;
}

const FLOOR_MAY_IMPORT = new Set(['runtime/upstream/upstream.ts', 'runtime/upstream/http/pools.ts']);

describe('import direction', () => {
  const runtime = tsFiles(join(ROOT, 'runtime'));

  it('runtime/ never imports cli/', () => {
    const bad = runtime.flatMap((f) => importsOf(f).filter((t) => t.startsWith('cli/')).map((t) => `${relative(ROOT, f)} → ${t}`));
    expect(bad).toEqual([]);
  });

  it('runtime/plan/ imports nothing', () => {
    const bad = tsFiles(join(ROOT, 'runtime/plan')).flatMap((f) => importsOf(f).filter((t) => !t.startsWith('runtime/plan/')).map((t) => `${relative(ROOT, f)} → ${t}`));
    expect(bad).toEqual([]);
  });

  it('the floor (runtime/core/) imports nothing above it but the upstream contract and the pools', () => {
    const bad = tsFiles(join(ROOT, 'runtime/core')).flatMap((f) =>
      importsOf(f)
        .filter((t) => !t.startsWith('runtime/core/') && !t.startsWith('runtime/plan/') && !FLOOR_MAY_IMPORT.has(t))
        .map((t) => `${relative(ROOT, f)} → ${t}`),
    );
    expect(bad).toEqual([]);
  });

  it('the test sees imports at all (a broken scan would pass everything)', () => {
    expect(importsOf(join(ROOT, 'runtime/core/start.ts'))).toContain('runtime/upstream/http/pools.ts');
  });
});
