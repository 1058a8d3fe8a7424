import { resolve } from 'node:path';
import type { Plan, ProfileName } from '../../runtime/plan/plan.js';
import { isProfileName, PROFILES } from '../plan/profile.js';
import { checkFiles, planFrom } from '../pipeline.js';
import { reportBase } from '../report/workspace.js';
import { formatReport } from '../report/format.js';
import { hgwVersion } from '../version.js';
import { HgwError } from '../errors.js';
import { EXIT, pickFormat, pickPaint, type Io } from './check.js';
import { parseHostMap } from '../../runtime/shared/host-map.js';
import { flexibleConfigOptions, type FlexibleConfigFlags } from '../load/flexible-config/options.js';

/**
 * What `build` and `run` share: check the inputs exactly as `hgw check` does,
 * print the findings (warnings too), and hand back the Plan only when there
 * is no error — a config with errors is never built.
 */
export interface InputOptions extends FlexibleConfigFlags {
  config?: string;
  routes?: string;
  /** An ingress.json instead of a gateway config: the bundle is the Go ingress. */
  ingress?: string;
  /** `--profile hanzo|krakend`. */
  profile?: string;
  format?: string;
  quiet?: boolean;
  color?: boolean;
}

export function checkedPlan(positional: string | undefined, opts: InputOptions, io: Io): { plan: Plan } | { exit: number } {
  if (opts.config && positional && resolve(opts.config) !== resolve(positional)) {
    throw new HgwError('HGW_USAGE', `two configs given (${positional} and -c ${opts.config}); pass one`);
  }
  const gateway = opts.config ?? positional;
  if (opts.ingress && (gateway || opts.routes)) {
    throw new HgwError('HGW_USAGE', 'an ingress is a process of its own: give --ingress ingress.json without a gateway config or --routes');
  }
  const input = opts.ingress ?? gateway;
  if (!input) throw new HgwError('HGW_USAGE', 'Please, provide the path to the configuration file with --config or see all the options with --help');
  const format = pickFormat(opts.format, io);
  const flexibleConfig = flexibleConfigOptions(opts, io.env);
  const result = checkFiles(opts.ingress ? { ingress: opts.ingress } : { gateway, routes: opts.routes, profile: profileOption(opts.profile), ...(flexibleConfig ? { flexibleConfig } : {}) });
  const shown = opts.quiet ? result.diagnostics.filter((d) => d.severity === 'error') : result.diagnostics;
  const report = formatReport(format, { diagnostics: shown, texts: result.texts, tool: { name: 'hgw', version: hgwVersion() }, base: reportBase(io.env), paint: pickPaint(io, opts.color) });
  // Build and run print their own output on stdout; findings go to stderr like a compiler's.
  if (report) io.stderr.write(report);
  if (result.fatal) return { exit: EXIT.input };
  if (result.diagnostics.some((d) => d.severity === 'error')) {
    io.stderr.write(`hgw: ${input} has errors; nothing was built\n`);
    return { exit: EXIT.findings };
  }
  const plan = planFrom(result);
  if (!plan) throw new HgwError('HGW_INTERNAL', 'no plan for a checked config');
  return { plan };
}

/** `--host-map a=b` (repeatable, or comma separated) → record; a bad pair is a usage error. */
export function hostMapOption(values: string[] | undefined): Record<string, string> {
  if (!values || values.length === 0) return {};
  try {
    return parseHostMap(values);
  } catch (e) {
    throw new HgwError('HGW_USAGE', `--host-map: ${(e as Error).message}`);
  }
}

/** `--profile`: one of the profile names, else a usage error. */
export function profileOption(value: string | undefined): ProfileName | undefined {
  if (value === undefined) return undefined;
  if (!isProfileName(value)) throw new HgwError('HGW_USAGE', `unknown --profile ${JSON.stringify(value)}; use one of ${PROFILES.join(', ')}`);
  return value;
}

export { collect } from './option-defaults.js';
