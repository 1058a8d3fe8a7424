import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HGW_BIN } from '../helpers/cli.js';
import { base } from '../helpers/check.js';
import { request, startServer } from '../helpers/servers.js';
import { LISTENING, spawnWatched } from '../helpers/processes.js';

/**
 * `hgw run --watch` and SIGHUP under load: clients keep requesting over
 * kept-alive connections while a broken config is saved (nothing changes),
 * then a new one (traffic moves to it) and a SIGHUP reloads again. Not one
 * request may fail or be refused across it all.
 */
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const config = (path: string) => JSON.stringify(base([{ endpoint: '/v', output_encoding: 'no-op', backend: [{ url_pattern: path, host: ['http://backend.internal:8000'] }] }]));

/** Clients requesting /v back to back until stopped; every answer and every error is kept. */
function load(url: string, clients: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const bodies: string[] = [];
  const failures: string[] = [];
  let running = true;
  const loops = Array.from({ length: clients }, async () => {
    while (running) {
      try {
        const res = await request(`${url}/v`, { agent });
        if (res.status === 200) bodies.push(res.body);
        else failures.push(`status ${res.status}`);
      } catch (e) {
        failures.push((e as Error).message);
      }
    }
  });
  return {
    bodies,
    failures,
    async stop() {
      running = false;
      await Promise.all(loops);
      agent.destroy();
    },
  };
}

async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('hgw run reloads', () => {
  it('moves traffic to a new config with no failed request, and a broken config changes nothing', async () => {
    const backend = await startServer((req, res) => res.writeHead(200, { 'Content-Type': 'text/plain' }).end(req.url));
    cleanups.push(() => backend.close());
    const dir = mkdtempSync(join(tmpdir(), 'hgw-reload-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'gateway.json');
    writeFileSync(file, config('/one'));
    const gw = spawnWatched(process.execPath, [HGW_BIN, 'run', '-c', file, '--watch', '-p', '0', '--host-map', `http://backend.internal:8000=${backend.url}`], { PATH: process.env.PATH, NO_COLOR: '1' });
    cleanups.push(() => {
      if (gw.child.exitCode === null) gw.child.kill('SIGKILL');
    });
    const port = Number((await gw.waitFor(LISTENING))[1]);
    const url = `http://127.0.0.1:${port}`;
    expect((await request(`${url}/v`)).body).toBe('/one');

    const traffic = load(url, 8);
    cleanups.push(() => traffic.stop());
    await until('traffic', () => traffic.bodies.length > 50);

    // A config that does not parse: refused, the old gateway keeps answering.
    writeFileSync(file, '{ "version": 3, "endpoints": [ ');
    await gw.waitFor(/reload refused: the running gateway keeps serving/);
    const seen = traffic.bodies.length;
    await until('traffic after the refusal', () => traffic.bodies.length > seen + 50);
    expect(new Set(traffic.bodies)).toEqual(new Set(['/one']));

    // A good config: the new gateway takes over on the same port.
    writeFileSync(file, config('/two'));
    await gw.waitFor(/reloaded: the new gateway serves on port (\d+)/);
    await until('answers from the new config', () => traffic.bodies.at(-1) === '/two');
    await gw.waitFor(/handing over to the new gateway/);
    await gw.waitFor(/server stopped/); // the old worker finished and left

    // SIGHUP reloads too (same config: a fresh gateway, still no failure).
    gw.child.kill('SIGHUP');
    await until('a second reload', () => (gw.output().match(/reloaded: /g) ?? []).length === 2);
    const before = traffic.bodies.length;
    await until('traffic after the SIGHUP reload', () => traffic.bodies.length > before + 50);
    await traffic.stop();

    expect(traffic.failures).toEqual([]);
    expect(traffic.bodies.slice(-20).every((b) => b === '/two')).toBe(true);
    expect(gw.output()).toMatch(/gateway\.json:1:\d+/); // check's diagnostics for the broken save were printed
    gw.child.kill('SIGTERM');
    expect(await gw.exited).toBe(0);
  }, 120_000);
});
