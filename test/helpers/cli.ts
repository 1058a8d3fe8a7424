import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { main } from '../../cli/main.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Vendored test data (KrakenD CE's suite, KrakenD's schema, the real configs); each folder's README.md names its source. */
export const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
export const HGW_BIN = fileURLToPath(new URL('../../bin/hgw.mjs', import.meta.url));

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a real process, the way users and CI do. */
export function runHgw(args: string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT, stdin?: string): RunResult {
  const r = spawnSync(process.execPath, [HGW_BIN, ...args], {
    cwd,
    ...(stdin === undefined ? {} : { input: stdin }),
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** `runHgw` without blocking this process, for runs that call back into servers the test holds (and may take minutes). */
export function runHgwAsync(args: string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT): Promise<RunResult> {
  const child = spawn(process.execPath, [HGW_BIN, ...args], { cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Runs the CLI in-process (for the fuzz test: thousands of runs). */
export async function runHgwInProcess(args: string[], env: NodeJS.ProcessEnv = { NO_COLOR: '1' }): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    env,
  });
  return { code, stdout, stderr };
}
