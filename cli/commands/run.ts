import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildFromPlan } from '../pipeline.js';
import { writeAtomically } from '../bundle/atomic-output.js';
import { hgwVersion } from '../version.js';
import { HgwError } from '../errors.js';
import { EXIT, type Io } from './check.js';
import { checkedPlan, hostMapOption, type InputOptions } from './checked-plan.js';
import type { StartOptions, RunningGateway } from '../../runtime/core/start.js';

export interface RunCommandOptions extends InputOptions {
  debug?: number;
  port?: string;
  brand: string;
  brandVersion?: string;
  hostMap?: string[];
}

/**
 * `hgw run`: build into a temporary folder and start that bundle in this
 * process — the same artifact `hgw build` writes, so what runs here is what
 * ships. In-process rather than a child, so a supervisor's SIGKILL leaves no
 * orphan holding the port. SIGTERM/SIGINT drain and exit 0.
 */
export async function runRun(positional: string | undefined, opts: RunCommandOptions, io: Io): Promise<number> {
  const port = opts.port === undefined ? undefined : Number(opts.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536)) {
    throw new HgwError('HGW_USAGE', `--port ${JSON.stringify(opts.port)} is not a port number`);
  }
  const hostMap = { ...(io.env.HGW_HOST_MAP ? hostMapOption([io.env.HGW_HOST_MAP]) : {}), ...hostMapOption(opts.hostMap) };
  const checked = checkedPlan(positional, opts, io);
  if ('exit' in checked) return checked.exit;
  const built = await buildFromPlan(checked.plan, {
    hgwVersion: hgwVersion(),
    brand: { name: opts.brand, version: opts.brandVersion ?? hgwVersion() },
    hostMap: {},
    minify: false,
  });
  const dir = mkdtempSync(join(tmpdir(), 'hgw-run-'));
  const out = join(dir, 'dist');
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  writeAtomically(out, built.files);
  const bundle = (await import(pathToFileURL(join(out, 'gateway.mjs')).href)) as { start(o: StartOptions): Promise<RunningGateway> };
  const options: StartOptions = { debug: (opts.debug ?? 0) > 0, hostMap, handleSignals: true };
  if (port !== undefined) options.port = port;
  try {
    await bundle.start(options);
  } catch (e) {
    io.stderr.write(`hgw: the gateway could not start: ${(e as Error).message}\n`);
    return EXIT.findings;
  }
  return EXIT.ok;
}
