import { resolve } from 'node:path';
import type { Diagnostic, Severity } from '../diagnostics/diagnostic.js';
import { atLeast } from '../diagnostics/diagnostic.js';
import { checkFiles, planFrom } from '../pipeline.js';
import { ANSI_PAINT, NO_PAINT, type Paint } from '../report/code-frame.js';
import { reportBase } from '../report/workspace.js';
import { formatReport, OUTPUT_FORMATS, type OutputFormat } from '../report/format.js';
import { hgwVersion } from '../version.js';
import { HgwError } from '../errors.js';
import { EXIT } from './exit-codes.js';
import { profileOption } from './checked-plan.js';
import type { Plan } from '../../runtime/plan/plan.js';
import { flexibleConfigOptions, type FlexibleConfigFlags } from '../load/flexible-config/options.js';

const PROFILE_SOURCES = { flag: 'chosen with --profile', config: 'named by the config (github.com/hanzoai/gateway/profile)', default: 'the default' } as const;

/** `check -d`'s first line: which gateway the config builds, and why. */
export function profileLine(plan: Plan): string {
  const { name, source } = plan.service.profile;
  const what = name === 'hanzo' ? 'the Go Hanzo gateway\'s engine' : 'plain KrakenD CE / Lura';
  return `Profile: ${name} (${what}), ${PROFILE_SOURCES[source]}`;
}

export interface CheckOptions extends FlexibleConfigFlags {
  config?: string;
  routes?: string;
  ingress?: string;
  profile?: string;
  format?: string;
  failOn?: string;
  debug?: number;
  indent?: string;
  testGinRoutes?: boolean;
  lint?: boolean;
  quiet?: boolean;
  color?: boolean;
}

export interface Io {
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown; isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

export { EXIT };

const FAIL_ON = ['error', 'warning', 'info', 'none'] as const;

export function pickFormat(requested: string | undefined, io: Io): OutputFormat {
  if (requested !== undefined) {
    if (!(OUTPUT_FORMATS as readonly string[]).includes(requested)) {
      throw new HgwError('HGW_USAGE', `unknown --format ${JSON.stringify(requested)}; use one of ${OUTPUT_FORMATS.join(', ')}`);
    }
    return requested as OutputFormat;
  }
  if (io.env.GITHUB_ACTIONS === 'true') return 'github';
  return 'pretty';
}

export function pickPaint(io: Io, color: boolean | undefined): Paint {
  if (color === false || (io.env.NO_COLOR ?? '') !== '') return NO_PAINT;
  if (io.env.FORCE_COLOR && io.env.FORCE_COLOR !== '0') return ANSI_PAINT;
  return io.stdout.isTTY ? ANSI_PAINT : NO_PAINT;
}

/** `hgw check`: exit 0 clean, 1 findings at or above --fail-on, 2 unreadable input; throws HgwError('HGW_USAGE') on bad flags. */
export function runCheck(positional: string | undefined, opts: CheckOptions, io: Io): number {
  if (opts.config && positional && resolve(opts.config) !== resolve(positional)) {
    throw new HgwError('HGW_USAGE', `two configs given (${positional} and -c ${opts.config}); pass one`);
  }
  const gateway = opts.config ?? positional;
  if (!gateway && !opts.routes && !opts.ingress) {
    throw new HgwError('HGW_USAGE', 'Please, provide the path to the configuration file with --config or see all the options with --help');
  }
  const format = pickFormat(opts.format, io);
  const failOn = opts.failOn ?? 'error';
  if (!(FAIL_ON as readonly string[]).includes(failOn)) {
    throw new HgwError('HGW_USAGE', `unknown --fail-on ${JSON.stringify(failOn)}; use one of ${FAIL_ON.join(', ')}`);
  }
  const paint = pickPaint(io, opts.color);
  const human = format === 'pretty' || format === 'compact';
  if (human && !opts.quiet) {
    for (const f of [gateway, opts.routes, opts.ingress]) if (f) io.stderr.write(`Parsing configuration file: ${f}\n`);
  }

  const flexibleConfig = flexibleConfigOptions(opts, io.env);
  const result = checkFiles({ gateway, routes: opts.routes, ingress: opts.ingress, profile: profileOption(opts.profile), ...(flexibleConfig ? { flexibleConfig } : {}) });
  let diagnostics: Diagnostic[] = result.diagnostics;
  if (opts.lint) {
    // -l: KrakenD's schema lint rejects unknown keys and namespaces outright.
    diagnostics = diagnostics.map((d) => (d.ruleId === 'unknown-key' || d.ruleId === 'unknown-namespace' ? { ...d, severity: 'error' as Severity } : d));
  }
  const report = formatReport(format, { diagnostics, texts: result.texts, tool: { name: 'hgw', version: hgwVersion() }, base: reportBase(io.env), paint });
  if (report) io.stdout.write(report);
  if (result.fatal) return EXIT.input;

  const failing = failOn !== 'none' && diagnostics.some((d) => atLeast(d.severity, failOn as Severity));
  const hasErrors = diagnostics.some((d) => d.severity === 'error');

  const plan = !hasErrors && ((opts.debug ?? 0) > 0 || opts.testGinRoutes) ? planFrom(result) : undefined;
  if (plan && (opts.debug ?? 0) > 0) {
    const indent = opts.indent === undefined ? '\t' : opts.indent.replace(/\\t/g, '\t');
    if (human && !opts.quiet && !plan.ingress) io.stderr.write(`${profileLine(plan)}\n`);
    io.stdout.write(`${JSON.stringify(plan, null, indent)}\n`);
  }
  if (plan && opts.testGinRoutes && human) {
    // The table is the data (`hgw check -t > routes.txt`); the count is a message.
    if (!opts.quiet) io.stderr.write(`${plan.endpoints.length} route(s), no conflicts:\n`);
    for (const ep of plan.endpoints) io.stdout.write(`  ${ep.method.padEnd(6)} ${ep.route}  (${plan.source.file}:${ep.source.line}:${ep.source.column})\n`);
  }
  if (failing) return EXIT.findings;
  if (human && !opts.quiet) io.stderr.write(`${paint.green('Syntax OK!')}\n`);
  return EXIT.ok;
}
