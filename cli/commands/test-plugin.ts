import { statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { PluginKind } from '../../runtime/plugins/plugin-api.js';
import { formatGoDuration } from '../config/duration.js';
import { HgwError } from '../errors.js';
import { CompiledPlugins, needsCompiling } from '../plugins/compile-plugin.js';
import type { InspectResult } from '../plugins/inspect-plugin.js';
import { PluginInspector, serveWorkerThread, WORKER_FLAG } from '../plugins/plugin-worker.js';
import { PluginTypeChecker } from '../plugins/type-check-plugin.js';
import { packageRoot } from '../validate/schemas.js';
import { hgwVersion } from '../version.js';
import { EXIT, type Io } from './check.js';

export interface TestPluginOptions {
  server?: boolean;
  client?: boolean;
  modifier?: boolean;
  /** Internal: this process is the worker thread of another `hgw test-plugin`. */
  workerThread?: boolean;
}

/** The kinds in the order KrakenD tests them, with its line labels and the Go symbol a missing kind is reported as. */
const KINDS: ReadonlyArray<{ kind: PluginKind; label: string; registerer: string }> = [
  { kind: 'server', label: 'SERVER', registerer: 'HandlerRegisterer' },
  { kind: 'modifier', label: 'MODIFIER', registerer: 'ModifierRegisterer' },
  { kind: 'client', label: 'CLIENT', registerer: 'ClientRegisterer' },
];

/**
 * `hgw test-plugin [-s] [-c] [-m] files…`, KrakenD's command for JS/TS
 * plugin modules. Lines go to stderr, as cobra's `cmd.Println` does:
 *
 *   [OK] SERVER\t<file name>
 *   [KO] CLIENT\t<file name>: <why>
 *   [KO] Unable to open the plugin <path>.
 *   [OK] <checks> tested plugin(s) in <Go duration>                      exit 0
 *   [KO] <checks> tested plugin(s) in <d>.\n<failed> plugin(s) failed.   exit 1
 *
 * One check per file and requested kind. A kind passes when the module
 * loads, its export has the registration shape, it registers at least one
 * plugin of that kind ("The plugin does not contain a HandlerRegisterer."
 * otherwise, KrakenD's words), the module type-checks against
 * `PluginModule`, and every registration of the kind accepts hgw's version
 * and survives a smoke call. No file: `At least one plugin is required.`;
 * no kind flag: `You must declare the expected type of the plugin.`; both
 * exit 1.
 */
/** `cliUrl`: the module URL of the CLI's entry (lib/hgw.mjs when bundled), which the plugin worker thread starts. */
export async function runTestPlugin(files: string[], opts: TestPluginOptions, io: Io, cliUrl: string = import.meta.url): Promise<number> {
  if (opts.workerThread) {
    if (!serveWorkerThread()) throw new HgwError('HGW_USAGE', `${WORKER_FLAG} is internal to hgw test-plugin`);
    return EXIT.ok;
  }
  // Usage complaints are messages (stderr); the [OK]/[KO] lines are the command's result (stdout).
  const say = (line: string) => io.stderr.write(`${line}\n`);
  const report = (line: string) => io.stdout.write(`${line}\n`);
  if (files.length === 0) {
    say('At least one plugin is required.');
    return EXIT.findings;
  }
  const kinds = KINDS.filter((k) => opts[k.kind] === true);
  if (kinds.length === 0) {
    say('You must declare the expected type of the plugin.');
    return EXIT.findings;
  }

  const start = process.hrtime.bigint();
  const root = packageRoot();
  const version = hgwVersion();
  const compiled = new CompiledPlugins(root);
  const inspector = new PluginInspector(cliUrl);
  const types = new PluginTypeChecker(root);
  let checks = 0;
  let failed = 0;
  try {
    for (const path of files) {
      const file = resolve(path);
      if (!isFile(file)) {
        report(`[KO] Unable to open the plugin ${path}.`);
        failed++;
        continue;
      }
      const name = basename(path);
      const job = { display: path, kinds: kinds.map((k) => k.kind), hgwVersion: version };
      let result: InspectResult;
      if (needsCompiling(file)) {
        const out = await compiled.compile(file);
        result = out.ok ? await inspector.inspect({ ...job, importPath: out.file }) : { status: 'load-failed', message: out.message };
      } else {
        result = await inspector.inspect({ ...job, importPath: file });
      }
      let typeError: string | undefined;
      if (result.status === 'loaded' && kinds.some((k) => result.kinds[k.kind]?.present) && PluginTypeChecker.applies(file)) {
        typeError = types.check(file, path, result.exportName);
      }
      for (const k of kinds) {
        checks++;
        const problem = problemOf(result, k, typeError);
        if (problem === undefined) report(`[OK] ${k.label}\t${name}`);
        else {
          failed++;
          report(`[KO] ${k.label}\t${name}: ${problem}`);
        }
      }
    }
  } finally {
    await inspector.close();
    compiled.dispose();
  }

  const took = formatGoDuration(Number(process.hrtime.bigint() - start) / 1e6);
  if (failed > 0) {
    report(`[KO] ${checks} tested plugin(s) in ${took}.\n${failed} plugin(s) failed.`);
    return EXIT.findings;
  }
  report(`[OK] ${checks} tested plugin(s) in ${took}`);
  return EXIT.ok;
}

/** The first reason the kind fails, in the order the checks run; undefined when it passes. */
function problemOf(result: InspectResult, k: (typeof KINDS)[number], typeError: string | undefined): string | undefined {
  const absent = `The plugin does not contain a ${k.registerer}.`;
  switch (result.status) {
    case 'load-failed':
    case 'invalid':
      return result.message;
    case 'missing':
      return absent;
    case 'loaded': {
      const report = result.kinds[k.kind];
      if (!report?.present) return absent;
      return typeError ?? report.problem;
    }
  }
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
