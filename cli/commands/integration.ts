/**
 * `hgw integration`: the Go gateway's cmd/gateway-integration for hgw. Runs
 * KrakenD-style spec files against the config built and started here (or a
 * running gateway), prints the results on stdout (pretty, json or junit) and
 * exits 1 when any spec fails; the gateway's log and findings go to stderr.
 */
import { HgwError } from '../errors.js';
import { hgwVersion } from '../version.js';
import { EXIT, pickPaint, type Io } from './check.js';
import { checkedPlan, hostMapOption, type InputOptions } from './checked-plan.js';
import { runIntegration } from '../integration/run-integration.js';
import { formatJson, formatPretty, tally } from '../integration/results.js';
import { formatJunit } from '../integration/junit.js';

export const INTEGRATION_FORMATS = ['pretty', 'json', 'junit'] as const;

export interface IntegrationCommandOptions extends InputOptions {
  specs?: string;
  gatewayUrl?: string;
  backendPort?: string;
  fixedPorts?: boolean;
  hostMap?: string[];
  brand: string;
  brandVersion?: string;
}

export async function runIntegrationCommand(positional: string | undefined, opts: IntegrationCommandOptions, io: Io): Promise<number> {
  const format = opts.format ?? 'pretty';
  if (!(INTEGRATION_FORMATS as readonly string[]).includes(format)) {
    throw new HgwError('HGW_USAGE', `unknown --format ${JSON.stringify(format)}; use one of ${INTEGRATION_FORMATS.join(', ')}`);
  }
  if (!opts.specs) throw new HgwError('HGW_USAGE', '--specs <dir> is required: the folder of KrakenD-style spec files to run');
  const backendPort = opts.backendPort === undefined ? 8081 : Number(opts.backendPort);
  if (!Number.isInteger(backendPort) || backendPort < 1 || backendPort > 65535) throw new HgwError('HGW_USAGE', `--backend-port ${JSON.stringify(opts.backendPort)} is not a port number`);
  if (opts.gatewayUrl !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(opts.gatewayUrl);
    } catch {
      url = undefined;
    }
    if (url?.protocol !== 'http:') throw new HgwError('HGW_USAGE', `--gateway-url ${JSON.stringify(opts.gatewayUrl)} must be an http:// URL`);
    if (opts.config ?? positional) throw new HgwError('HGW_USAGE', '--gateway-url tests a running gateway: give it without a config');
  }
  const hostMap = hostMapOption(opts.hostMap);
  let plan;
  if (opts.gatewayUrl === undefined) {
    // Findings go to stderr as for build; only errors, the run's output is the results.
    const checked = checkedPlan(positional, { ...opts, format: 'pretty', quiet: true }, io);
    if ('exit' in checked) return checked.exit;
    plan = checked.plan;
  }
  const run = await runIntegration({
    plan,
    specs: opts.specs,
    gatewayUrl: opts.gatewayUrl,
    backendPort,
    startMock: opts.backendPort !== undefined,
    fixedPorts: opts.fixedPorts ?? false,
    hostMap,
    brand: { brand: opts.brand, version: opts.brandVersion ?? hgwVersion() },
  });
  io.stdout.write(format === 'json' ? formatJson(run) : format === 'junit' ? formatJunit(run) : formatPretty(run, pickPaint(io, opts.color)));
  return tally(run).failed > 0 ? EXIT.findings : EXIT.ok;
}
