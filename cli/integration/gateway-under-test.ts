/**
 * The gateway `hgw integration` tests: the config built exactly as `hgw build`
 * builds it, written to a temporary folder and started in this process (as
 * `hgw run` does) on 127.0.0.1, with the debug endpoints on, no signal handlers, and its log
 * kept for the report instead of mixed into the results.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Plan } from '../../runtime/plan/plan.js';
import type { RunningGateway, StartOptions } from '../../runtime/core/start.js';
import { buildFromPlan } from '../pipeline.js';
import { writeAtomically } from '../bundle/atomic-output.js';
import { hgwVersion } from '../version.js';
import { HgwError } from '../errors.js';

/** Log lines kept for a failed start's message; older ones are dropped. */
const LOG_LINES = 200;

export interface GatewayUnderTest {
  port: number;
  /** The gateway's own log so far (at most the last LOG_LINES lines). */
  log(): string;
  close(): Promise<void>;
}

export interface StartGatewayOptions {
  port: number;
  hostMap: Record<string, string>;
  brand: { name: string; version: string };
}

export async function startGatewayUnderTest(plan: Plan, options: StartGatewayOptions): Promise<GatewayUnderTest> {
  const built = await buildFromPlan(plan, { hgwVersion: hgwVersion(), brand: options.brand, hostMap: {}, minify: false });
  const dir = mkdtempSync(join(tmpdir(), 'hgw-integration-'));
  const lines: string[] = [];
  const log = () => lines.join('');
  try {
    writeAtomically(join(dir, 'dist'), built.files);
    const bundle = (await import(pathToFileURL(join(dir, 'dist', 'gateway.mjs')).href)) as { start(o: StartOptions): Promise<RunningGateway> };
    const running = await bundle.start({
      port: options.port,
      host: '127.0.0.1',
      debug: true,
      hostMap: options.hostMap,
      handleSignals: false,
      drainDelayMs: 0,
      write: (line) => {
        lines.push(line.endsWith('\n') ? line : `${line}\n`);
        if (lines.length > LOG_LINES) lines.shift();
      },
    });
    return {
      port: running.port,
      log,
      close: async () => {
        await running.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE') throw new HgwError('HGW_USAGE', `the gateway cannot listen on port ${options.port}: something else already does (free it, or drop --fixed-ports to use free ports)`);
    throw new HgwError('HGW_BUILD_FAILED', `the gateway did not start: ${err.message}\n${log()}`);
  }
}

/** A port nobody listens on right now, for a gateway whose port must be known before it starts (the host map names it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
