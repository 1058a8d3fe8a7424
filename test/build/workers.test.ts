import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runHgw } from '../helpers/cli.js';
import { base } from '../helpers/check.js';
import { request, startServer } from '../helpers/servers.js';
import { LISTENING, spawnWatched } from '../helpers/processes.js';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { withYoungGenerationCap, workerExecArgv } from '../../runtime/core/start.js';

/** `node gateway.mjs -w 2`: two workers share the port, and SIGTERM drains them all. */
const dir = mkdtempSync(join(tmpdir(), 'hgw-workers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cluster workers', () => {
  it('serves from N workers on one port, replaces none on a clean stop, and exits 0 on SIGTERM', async () => {
    const sourcePorts = new Set<number>();
    const be = await startServer((q, res) => {
      sourcePorts.add(q.socket.remotePort!);
      res.end('ok');
    });
    try {
      writeFileSync(join(dir, 'gateway.json'), JSON.stringify(base([{ endpoint: '/x', output_encoding: 'no-op', backend: [{ url_pattern: '/x', host: [be.url] }] }])));
      expect(runHgw(['build', join(dir, 'gateway.json'), '--out', join(dir, 'dist')]).code).toBe(0);
      const gw = spawnWatched(process.execPath, [join(dir, 'dist/gateway.mjs'), '-p', '0', '-w', '2'], { PATH: process.env.PATH, HGW_PORT: '0', HGW_DRAIN_DELAY: '0' });
      const port = Number((await gw.waitFor(LISTENING))[1]);
      await gw.waitFor(/listening on port \d+[\s\S]*listening on port \d+/);
      // Ten client connections (the primary deals them out round-robin); the backend sees which processes called it.
      for (let i = 0; i < 10; i++) expect((await request(`http://127.0.0.1:${port}/x`)).status).toBe(200);
      const workers = spawnSync('pgrep', ['-P', String(gw.child.pid)], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
      expect(workers).toHaveLength(2);
      const callers = new Set([...sourcePorts].map((p) => ownerOfLocalPort(p, workers)));
      expect([...callers].sort()).toEqual([...workers].sort());
      // Each worker runs with the young generation capped (RSS per worker stays low under load).
      for (const pid of workers) expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')).toContain('--max-semi-space-size=4');
      gw.child.kill('SIGTERM');
      expect(await gw.exited).toBe(0);
      expect(gw.output()).not.toMatch(/starting another/);
    } finally {
      await be.close();
    }
  });
});

describe('a worker that dies', () => {
  it('is replaced, and the primary says which signal killed it in the gateway\'s log format', async () => {
    writeFileSync(join(dir, 'die.json'), JSON.stringify(base([])));
    expect(runHgw(['build', join(dir, 'die.json'), '--out', join(dir, 'dist-die')]).code).toBe(0);
    const gw = spawnWatched(process.execPath, [join(dir, 'dist-die/gateway.mjs'), '-p', '0', '-w', '2'], { PATH: process.env.PATH, HGW_DRAIN_DELAY: '0' });
    try {
      await gw.waitFor(/listening on port \d+[\s\S]*listening on port \d+/);
      const [victim] = spawnSync('pgrep', ['-P', String(gw.child.pid)], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
      process.kill(Number(victim), 'SIGKILL');
      const [line] = await gw.waitFor(new RegExp(`^.* ▶ WARNING worker ${victim} killed by SIGKILL; starting another$`, 'm'));
      expect(line).toMatch(/^\[GATEWAY\] \d{4}\/\d{2}\/\d{2} - [\d:.]+ ▶ WARNING /);
      // The replacement comes up: a third start-up line.
      await gw.waitFor(/(listening on port \d+[\s\S]*){3}/);
    } finally {
      gw.child.kill('SIGTERM');
      await gw.exited;
    }
  });
});

describe('SIGHUP with workers', () => {
  it('the primary passes SIGHUP to every worker: each reloads GATEWAY_ROUTES_FILE, and every connection then meets the new table', async () => {
    const backend = (name: string) => startServer((_q, res) => res.end(name));
    const [built, before, after] = await Promise.all([backend('built'), backend('before'), backend('after')]);
    const table = (url: string) => `routes:\n  example.com:\n    - prefix: /\n      backend: ${url}\n`;
    try {
      writeFileSync(join(dir, 'hup.json'), JSON.stringify(base([])));
      writeFileSync(join(dir, 'routes.yaml'), table(built.url));
      const file = join(dir, 'live-routes.yaml');
      writeFileSync(file, table(before.url));
      expect(runHgw(['build', join(dir, 'hup.json'), '--routes', join(dir, 'routes.yaml'), '--out', join(dir, 'dist-hup')]).code).toBe(0);
      const gw = spawnWatched(process.execPath, [join(dir, 'dist-hup/gateway.mjs'), '-p', '0', '-w', '2'], { PATH: process.env.PATH, GATEWAY_ROUTES_FILE: file });
      const port = Number((await gw.waitFor(LISTENING))[1]);
      await gw.waitFor(/listening on port \d+[\s\S]*listening on port \d+/);
      const bodies = async () => {
        const out: string[] = [];
        for (let i = 0; i < 6; i++) out.push((await request(`http://127.0.0.1:${port}/x`, { headers: { host: 'example.com' } })).body);
        return out;
      };
      expect(await bodies()).toEqual(Array(6).fill('before'));
      writeFileSync(file, table(after.url));
      gw.child.kill('SIGHUP');
      // One reload line per worker: the signal reached both.
      await gw.waitFor(/host routing: reloaded [\s\S]*host routing: reloaded /);
      expect(gw.output().match(/host routing: reloaded /g)).toHaveLength(2);
      // Fresh connections are dealt round-robin to both workers: none still serves the old table.
      expect(await bodies()).toEqual(Array(6).fill('after'));
      gw.child.kill('SIGTERM');
      expect(await gw.exited).toBe(0);
    } finally {
      await Promise.all([built.close(), before.close(), after.close()]);
    }
  });
});

/** Which of `pids` holds the TCP socket bound to local `port` on 127.0.0.1 (Linux /proc: the socket's inode, then the fds that point to it). */
function ownerOfLocalPort(port: number, pids: string[]): string {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const row = readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .find((cols) => cols[1]?.endsWith(hex));
  if (!row) return `no socket on port ${port}`;
  const link = `socket:[${row[9]}]`;
  for (const pid of pids) {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`) === link) return pid;
      } catch {
        // the fd closed while we looked
      }
    }
  }
  return `port ${port} held by none of ${pids.join(', ')}`;
}

describe('worker heap flags', () => {
  it('adds the semi-space cap unless the operator chose one, on the command line or in NODE_OPTIONS', () => {
    expect(withYoungGenerationCap([])).toEqual(['--max-semi-space-size=4']);
    expect(withYoungGenerationCap(['--enable-source-maps'])).toEqual(['--enable-source-maps', '--max-semi-space-size=4']);
    expect(withYoungGenerationCap(['--max-semi-space-size=32'])).toEqual(['--max-semi-space-size=32']);
    expect(withYoungGenerationCap([], '--inspect --max-semi-space-size=16')).toEqual([]);
  });
  it('runs the garbage collector on the worker\'s own thread unless the operator chose how GC threads run', () => {
    expect(workerExecArgv([])).toEqual(['--max-semi-space-size=4', '--single-threaded-gc']);
    expect(workerExecArgv(['--no-single-threaded-gc'])).toEqual(['--no-single-threaded-gc', '--max-semi-space-size=4']);
    expect(workerExecArgv(['--single_threaded_gc'])).toEqual(['--single_threaded_gc', '--max-semi-space-size=4']);
    expect(workerExecArgv(['--max-semi-space-size=8'], '--no-concurrent-marking')).toEqual(['--max-semi-space-size=8']);
  });
});
