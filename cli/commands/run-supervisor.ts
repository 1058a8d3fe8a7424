import cluster, { type Worker } from 'node:cluster';
import { rmSync } from 'node:fs';
import { workerExecArgv } from '../../runtime/core/start.js';

/**
 * `hgw run`'s process model: this process supervises, one worker serves.
 * The worker is the built bundle itself (`node gateway.mjs` under
 * node:cluster), so the listening sockets live here and every generation's
 * workers share them. A reload starts the next generation on the new
 * bundle, waits until it says it is serving, then tells the old one to hand
 * over (it stops accepting, finishes what runs, closes each connection
 * after its next answer) — no moment without a listener, no request
 * refused. A generation that fails to start is stopped and the old one
 * keeps serving. If this process dies, the workers lose their IPC channel
 * and exit, so nothing is left holding the port.
 */
export interface Generation {
  /** The temporary folder of this generation's bundle (removed when its workers are gone). */
  dir: string;
  entry: string;
  args: string[];
}

export type StartResult = { ok: true; port: number } | { ok: false; reason: string };

interface Running {
  generation: Generation;
  worker: Worker;
}

/** How long a new generation may take to say it serves (upstreams' first polls included). */
const START_TIMEOUT_MS = 60_000;

export class RunSupervisor {
  private current: Running | undefined;
  private stopping = false;
  private readonly retired = new Set<Running>();

  constructor(private readonly say: (line: string) => void) {
    process.once('exit', () => {
      for (const r of [this.current, ...this.retired]) if (r) rmSync(r.generation.dir, { recursive: true, force: true });
    });
  }

  /** Starts a generation; on success the previous one hands over. */
  async start(generation: Generation): Promise<StartResult> {
    cluster.setupPrimary({ exec: generation.entry, args: generation.args, execArgv: workerExecArgv(process.execArgv, process.env.NODE_OPTIONS) });
    // hgw run is a developer's loop, not a pod behind a load balancer: no drain delay unless asked for.
    const worker = cluster.fork({ HGW_DRAIN_DELAY: process.env.HGW_DRAIN_DELAY ?? '0' });
    const next: Running = { generation, worker };
    const result = await readiness(worker);
    if (!result.ok) {
      if (!worker.isDead()) worker.process.kill('SIGKILL');
      rmSync(generation.dir, { recursive: true, force: true });
      return result;
    }
    if (this.stopping) {
      // A stop arrived while this generation started: it drains with the rest.
      this.retired.add(next);
      this.watch(next);
      worker.send({ hgw: 'stop' });
      return result;
    }
    const previous = this.current;
    this.current = next;
    this.watch(next);
    if (previous) {
      this.retired.add(previous);
      previous.worker.send({ hgw: 'handover' });
    }
    return result;
  }

  /** SIGTERM/SIGINT: every worker drains (running requests finish), then this process exits 0. */
  stop(): void {
    if (this.stopping) {
      this.say('hgw: stopping again: exiting without waiting\n');
      process.exit(1);
    }
    this.stopping = true;
    const all = [this.current, ...this.retired].filter((r): r is Running => r !== undefined && !r.worker.isDead());
    if (all.length === 0) process.exit(0);
    for (const r of all) r.worker.send({ hgw: 'stop' });
  }

  private watch(r: Running): void {
    r.worker.on('exit', (code) => {
      this.retired.delete(r);
      if (this.stopping || this.current !== r) rmSync(r.generation.dir, { recursive: true, force: true });
      if (this.stopping) {
        const left = [this.current, ...this.retired].some((x) => x !== undefined && !x.worker.isDead());
        if (!left) process.exit(0);
        return;
      }
      if (this.current === r) {
        // The serving worker died on its own: start it again on the same bundle (the folder is kept for that).
        this.say(`hgw: the gateway exited (${code}); starting it again\n`);
        this.current = undefined;
        void this.start(r.generation).then((res) => {
          if (!res.ok) {
            this.say(`hgw: the gateway could not start again: ${res.reason}\n`);
            process.exit(1);
          }
        });
      }
    });
  }
}

function readiness(worker: Worker): Promise<StartResult> {
  return new Promise((resolve) => {
    let reason = 'the gateway exited before serving';
    const timer = setTimeout(() => done({ ok: false, reason: `no answer within ${START_TIMEOUT_MS / 1000} s` }), START_TIMEOUT_MS);
    const onMessage = (m: { hgw?: string; port?: number; message?: string }) => {
      if (m?.hgw === 'ready') done({ ok: true, port: m.port ?? 0 });
      else if (m?.hgw === 'failed') reason = m.message ?? reason;
    };
    const onExit = () => done({ ok: false, reason });
    function done(r: StartResult) {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('exit', onExit);
      resolve(r);
    }
    worker.on('message', onMessage);
    worker.once('exit', onExit);
  });
}
