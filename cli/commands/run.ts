import { mkdtempSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { buildFromPlan } from '../pipeline.js';
import { writeAtomically } from '../bundle/atomic-output.js';
import { hgwVersion } from '../version.js';
import { HgwError } from '../errors.js';
import { EXIT, type Io } from './check.js';
import { checkedPlan, hostMapOption, type InputOptions } from './checked-plan.js';
import { RunSupervisor, type Generation } from './run-supervisor.js';

export interface RunCommandOptions extends InputOptions {
  debug?: number;
  port?: string;
  brand: string;
  brandVersion?: string;
  hostMap?: string[];
  /** Reload when the config (or routes.yaml) changes on disk. */
  watch?: boolean;
}

/**
 * `hgw run`: check, build into a temporary folder, and serve that bundle —
 * the same artifact `hgw build` writes — in a worker this process
 * supervises. SIGHUP (and, with `--watch`, a change to the config or
 * routes.yaml) reloads without dropping a request: check → build → start the
 * new bundle beside the old → move traffic → the old one finishes and exits.
 * A config that fails check, or a bundle that fails to start, changes
 * nothing: the diagnostics are printed and the running gateway keeps
 * serving. SIGTERM/SIGINT drain and exit 0.
 */
export async function runRun(positional: string | undefined, opts: RunCommandOptions, io: Io): Promise<number> {
  const port = opts.port === undefined ? undefined : Number(opts.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536)) {
    throw new HgwError('HGW_USAGE', `--port ${JSON.stringify(opts.port)} is not a port number`);
  }
  // HGW_HOST_MAP reaches the worker through the environment; --host-map through its own flag.
  hostMapOption(opts.hostMap);
  const args = [...(port === undefined ? [] : ['-p', String(port)]), ...((opts.debug ?? 0) > 0 ? ['-d'] : []), ...(opts.hostMap ?? []).flatMap((m) => ['--host-map', m])];

  // A SIGHUP during the first build must not kill hgw run (Node's default exits 129): it asks for a reload once serving.
  let hupEarly = false;
  const early = () => void (hupEarly = true);
  process.on('SIGHUP', early);
  // bin/hgw.mjs kept any SIGHUP that arrived while the CLI loaded.
  const processState = process as unknown as Record<symbol, unknown>;
  const binEarly = processState[Symbol.for('hgw.sighupEarly')] as (() => void) | undefined;
  if (binEarly) process.off('SIGHUP', binEarly);
  if (processState[Symbol.for('hgw.sighupSeen')] === true) hupEarly = true;
  const first = await generation(positional, opts, io, args);
  if ('exit' in first) {
    process.off('SIGHUP', early);
    return first.exit;
  }
  const supervisor = new RunSupervisor((line) => io.stderr.write(line));
  const started = await supervisor.start(first);
  if (!started.ok) {
    process.off('SIGHUP', early);
    io.stderr.write(`hgw: the gateway could not start: ${started.reason}\n`);
    return EXIT.findings;
  }

  let reloading: Promise<void> | undefined;
  let again = false;
  const reload = (why: string) => {
    if (reloading) {
      again = true; // one more after this one, with whatever is on disk then
      return;
    }
    reloading = reloadOnce(why).finally(() => {
      reloading = undefined;
      if (again) {
        again = false;
        reload('changes during the last reload');
      }
    });
  };
  const reloadOnce = async (why: string) => {
    io.stderr.write(`hgw: reload (${why}): checking and building\n`);
    let next: Generation | { exit: number };
    try {
      next = await generation(positional, opts, io, args);
    } catch (e) {
      next = { exit: EXIT.findings };
      io.stderr.write(`hgw: ${(e as Error).message}\n`);
    }
    if ('exit' in next) {
      io.stderr.write('hgw: reload refused: the running gateway keeps serving the previous config\n');
      return;
    }
    const result = await supervisor.start(next);
    if (result.ok) io.stderr.write(`hgw: reloaded: the new gateway serves on port ${result.port}; the previous one is finishing\n`);
    else io.stderr.write(`hgw: reload refused: the new gateway could not start (${result.reason}); the running gateway keeps serving\n`);
  };

  process.off('SIGHUP', early);
  process.on('SIGHUP', () => reload('SIGHUP'));
  if (hupEarly) reload('SIGHUP during start-up');
  process.on('SIGTERM', () => supervisor.stop());
  process.on('SIGINT', () => supervisor.stop());
  if (opts.watch) watchInputs([opts.config ?? positional, opts.routes, opts.ingress], () => reload('a file changed'));
  return EXIT.ok;
}

/** Check and build the inputs into a new temporary folder: the next generation, or check's exit code. */
async function generation(positional: string | undefined, opts: RunCommandOptions, io: Io, args: string[]): Promise<Generation | { exit: number }> {
  const checked = checkedPlan(positional, opts, io);
  if ('exit' in checked) return checked;
  const built = await buildFromPlan(checked.plan, {
    hgwVersion: hgwVersion(),
    brand: { name: opts.brand, version: opts.brandVersion ?? hgwVersion() },
    hostMap: {},
    minify: false,
  });
  const dir = mkdtempSync(join(tmpdir(), 'hgw-run-'));
  const out = join(dir, 'dist');
  writeAtomically(out, built.files);
  return { dir, entry: join(out, 'gateway.mjs'), args };
}

/**
 * `--watch`: the folders of the inputs, filtered by name — editors save by
 * writing a new file and renaming it over the old, which a watch on the file
 * itself would lose. Bursts of events (one save is several) become one
 * reload after 200 ms of quiet.
 */
function watchInputs(files: Array<string | undefined>, onChange: () => void): void {
  const wanted = files.filter((f): f is string => f !== undefined).map((f) => resolve(f));
  let timer: NodeJS.Timeout | undefined;
  for (const folder of new Set(wanted.map((f) => dirname(f)))) {
    const names = new Set(wanted.filter((f) => dirname(f) === folder).map((f) => basename(f)));
    watch(folder, (_event, name) => {
      if (name === null || !names.has(name.toString())) return;
      clearTimeout(timer);
      timer = setTimeout(onChange, 200);
    });
  }
}
