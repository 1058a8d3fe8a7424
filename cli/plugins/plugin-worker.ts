import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { errorText } from '../../runtime/plugins/registrations.js';
import { inspectPlugin, type InspectJob, type InspectResult } from './inspect-plugin.js';
import { SmokeBench } from './smoke.js';

/**
 * Plugin code runs in a worker thread: timers, sockets or a stuck loop it
 * leaves behind die with the worker (the CLI ends when it is done, as Go's
 * does), and `process.exit` or an uncaught error in a plugin cannot take the
 * CLI down. The worker is the bundled CLI itself, started as
 * `hgw test-plugin --worker-thread`, so no second script ships.
 * When hgw runs from its TypeScript sources (tests in-process), there is no
 * bundle to start and the checks run in this thread.
 */
export const WORKER_FLAG = '--worker-thread';

/** A whole file's checks must end within this (smoke calls have their own, shorter limit). */
export const JOB_TIMEOUT_MS = 30_000;

interface JobMessage {
  id: number;
  job: InspectJob;
}

interface ResultMessage {
  id: number;
  result: InspectResult;
}

/** The worker side: answer jobs until terminated. */
export function serveWorkerThread(): boolean {
  if (isMainThread || !parentPort) return false;
  const port = parentPort;
  const bench = new SmokeBench();
  port.on('message', (m: JobMessage) => {
    inspectPlugin(m.job, bench).then(
      (result) => port.postMessage({ id: m.id, result } satisfies ResultMessage),
      (e: unknown) => port.postMessage({ id: m.id, result: { status: 'load-failed', message: errorText(e) } } satisfies ResultMessage),
    );
  });
  return true;
}

/** Runs jobs one at a time in a worker thread (a new one after a crash or timeout), or in-process without a bundle. */
export class PluginInspector {
  private worker: Worker | undefined;
  private seq = 0;
  private readonly script: string | undefined;
  private inProcessBench: SmokeBench | undefined;

  constructor(moduleUrl: string) {
    // Only the bundled CLI (lib/hgw.mjs) can be started as a worker.
    this.script = moduleUrl.startsWith('file:') && moduleUrl.endsWith('.mjs') ? fileURLToPath(moduleUrl) : undefined;
  }

  async inspect(job: InspectJob): Promise<InspectResult> {
    if (!this.script) {
      this.inProcessBench ??= new SmokeBench();
      return inspectPlugin(job, this.inProcessBench);
    }
    const worker = (this.worker ??= this.startWorker(this.script));
    const id = ++this.seq;
    return new Promise<InspectResult>((resolve) => {
      let done = false;
      const finish = (result: InspectResult, kill: boolean) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        if (kill) this.discard(worker);
        resolve(result);
      };
      const onMessage = (m: ResultMessage) => {
        if (m.id === id) finish(m.result, false);
      };
      const onError = (e: unknown) => finish({ status: 'load-failed', message: `the plugin crashed the test: ${errorText(e)}` }, true);
      const onExit = (code: number) => finish({ status: 'load-failed', message: `the plugin ended the process (exit code ${code})` }, true);
      const timer = setTimeout(() => finish({ status: 'load-failed', message: `the checks did not finish in ${JOB_TIMEOUT_MS / 1000}s` }, true), JOB_TIMEOUT_MS);
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.postMessage({ id, job } satisfies JobMessage);
    });
  }

  private startWorker(script: string): Worker {
    const worker = new Worker(script, { argv: ['test-plugin', WORKER_FLAG], stdout: true, stderr: true });
    // What plugins print is not part of the report.
    worker.stdout.resume();
    worker.stderr.resume();
    // A worker that dies between jobs (a plugin's timer threw) is replaced at the next job.
    const forget = () => {
      if (this.worker === worker) this.worker = undefined;
    };
    worker.on('error', forget);
    worker.on('exit', forget);
    return worker;
  }

  private discard(worker: Worker): void {
    if (this.worker === worker) this.worker = undefined;
    void worker.terminate();
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
    await this.inProcessBench?.close();
  }
}
