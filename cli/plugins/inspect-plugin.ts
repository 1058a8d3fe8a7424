import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { transform, type Message } from 'esbuild';
import type { PluginKind } from '../../runtime/plugins/plugin-api.js';
import { assertHgwVersion, errorText, PluginError, registrationsOf, type PluginExportName } from '../../runtime/plugins/registrations.js';
import type { SmokeBench } from './smoke.js';

/** One file to test: what to import, what to call it, which kinds were asked for. */
export interface InspectJob {
  /** The file name printed in the result lines. */
  display: string;
  /** Absolute path of the JavaScript to import (the file itself, or its compiled .mjs). */
  importPath: string;
  kinds: PluginKind[];
  hgwVersion: string;
}

export interface KindReport {
  /** The module registers at least one plugin of this kind. */
  present: boolean;
  /** The first failed check of those registrations (version range, smoke call). */
  problem?: string;
}

export type InspectResult =
  | { status: 'load-failed'; message: string }
  | { status: 'missing' }
  | { status: 'invalid'; message: string }
  | { status: 'loaded'; exportName: PluginExportName; kinds: Partial<Record<PluginKind, KindReport>> };

/**
 * Everything `hgw test-plugin` checks by running the plugin: the import,
 * the export's shape, each requested kind's `hgw` range and smoke call. Runs
 * in a worker thread (so what a plugin leaves running dies with it).
 */
export async function inspectPlugin(job: InspectJob, bench: SmokeBench): Promise<InspectResult> {
  let namespace: Record<string, unknown>;
  try {
    namespace = (await import(pathToFileURL(job.importPath).href)) as Record<string, unknown>;
  } catch (e) {
    return { status: 'load-failed', message: (e instanceof SyntaxError ? await parseErrorAt(job) : undefined) ?? importErrorText(e) };
  }
  let found: ReturnType<typeof registrationsOf>;
  try {
    found = registrationsOf(namespace, job.display);
  } catch (e) {
    if (e instanceof PluginError && e.code === 'HGW_PLUGIN_MISSING') return { status: 'missing' };
    return { status: 'invalid', message: errorText(e) };
  }
  const kinds: Partial<Record<PluginKind, KindReport>> = {};
  for (const kind of job.kinds) {
    const mine = found.registrations.filter((r) => r.kind === kind);
    const report: KindReport = { present: mine.length > 0 };
    for (const registration of mine) {
      try {
        assertHgwVersion(registration, job.hgwVersion);
      } catch (e) {
        report.problem = errorText(e);
        break;
      }
      const problem = await bench.smoke(registration);
      if (problem !== undefined) {
        report.problem = problem;
        break;
      }
    }
    kinds[kind] = report;
  }
  return { status: 'loaded', exportName: found.exportName, kinds };
}

/** An import failure in one line (`SyntaxError: …`, `Error [ERR_MODULE_NOT_FOUND]`'s text, …). */
export function importErrorText(e: unknown): string {
  const err = e as Error | undefined;
  const name = err?.name && err.name !== 'Error' ? `${err.name}: ` : '';
  return `${name}${firstLine(err?.message ?? String(e))}`;
}

/**
 * Node does not say where a module's syntax error is; esbuild's parser
 * does, as `file:line:col: text` (the same form as for TypeScript plugins).
 * Undefined when esbuild parses the file (then the SyntaxError was a link
 * error, such as a missing named export).
 */
async function parseErrorAt(job: InspectJob): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(job.importPath, 'utf8');
  } catch {
    return undefined;
  }
  try {
    await transform(text, { loader: 'js', format: job.importPath.endsWith('.cjs') ? 'cjs' : 'esm', sourcefile: job.display, logLevel: 'silent' });
    return undefined;
  } catch (e) {
    const first = (e as { errors?: Message[] }).errors?.[0];
    if (!first?.location) return undefined;
    return `${job.display}:${first.location.line}:${first.location.column + 1}: ${first.text}`;
  }
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim();
}
