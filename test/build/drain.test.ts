import { afterAll, describe, expect, it } from 'vitest';
import { Agent, request as httpRequest } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runHgw } from '../helpers/cli.js';
import { base } from '../helpers/check.js';
import { request, startServer } from '../helpers/servers.js';
import { LISTENING, spawnWatched } from '../helpers/processes.js';

/**
 * The built bundle stopped as Kubernetes stops a pod: SIGTERM while clients
 * keep sending, the endpoints controller (a readiness poller here) taking
 * the pod out only once `/readyz` says 503, and clients that learn of it a
 * while later. Not one request may fail. SIGHUP must never stop it.
 */
const dir = mkdtempSync(join(tmpdir(), 'hgw-drain-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function build(): string {
  return join(dir, 'dist/gateway.mjs');
}

async function startBundle(backendUrl: string, env: Record<string, string>) {
  writeFileSync(join(dir, 'gateway.json'), JSON.stringify(base([
    { endpoint: '/x', output_encoding: 'no-op', backend: [{ url_pattern: '/x', host: [backendUrl] }] },
  ])));
  expect(runHgw(['build', join(dir, 'gateway.json'), '--out', join(dir, 'dist')]).code).toBe(0);
  const gw = spawnWatched(process.execPath, [build(), '-p', '0'], { PATH: process.env.PATH, ...env });
  const port = Number((await gw.waitFor(LISTENING))[1]);
  return { gw, url: `http://127.0.0.1:${port}` };
}

/** GET with the given agent; resolves to the status, or to 0 for a connection error. */
function status(url: string, agent: Agent | false): Promise<number> {
  return new Promise((resolve) => {
    const req = httpRequest(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(0));
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

describe('stopping the bundle', () => {
  it('SIGTERM: readiness 503 at once, the listener keeps serving for the drain delay, no request fails', async () => {
    // Each answer takes a little while, so requests are always running when the signal comes.
    const be = await startServer((_q, res) => setTimeout(() => res.end('ok'), 5));
    const { gw, url } = await startBundle(be.url, { HGW_DRAIN_DELAY: '1s' });
    try {
      expect(await status(`${url}/readyz`, false)).toBe(200);
      let routed = true;
      const failures: string[] = [];
      let served = 0;
      const client = async (keepAlive: boolean) => {
        const agent = keepAlive ? new Agent({ keepAlive: true, maxSockets: 1 }) : false;
        while (routed) {
          const s = await status(`${url}/x`, agent);
          if (s === 200) served++;
          else failures.push(`${keepAlive ? 'kept-alive' : 'new'} connection: ${s}`);
        }
        if (agent) agent.destroy();
      };
      const clients = [client(true), client(true), client(false), client(false)];
      while (served < 40) await new Promise((r) => setTimeout(r, 5));

      const sentAt = performance.now();
      gw.child.kill('SIGTERM');
      let notReadyAt = 0;
      while (notReadyAt === 0 && performance.now() - sentAt < 5000) {
        const s = await status(`${url}/readyz`, false);
        if (s === 503) notReadyAt = performance.now();
        else expect(s).toBe(200);
      }
      const servedAtNotReady = served;
      // The endpoints controller has seen it; clients go on until the change reaches them.
      await new Promise((r) => setTimeout(r, 300));
      routed = false;
      await Promise.all(clients);

      expect(notReadyAt - sentAt).toBeLessThan(50);
      expect(failures).toEqual([]);
      expect(served).toBeGreaterThan(servedAtNotReady);
      expect(await gw.exited).toBe(0);
      expect(gw.output()).toMatch(/SIGTERM received: not ready; serving 1000 ms more/);
      expect(gw.output()).toMatch(/drain delay over/);
    } finally {
      if (gw.child.exitCode === null) gw.child.kill('SIGKILL');
      await be.close();
    }
  });

  it('SIGHUP without a routes source keeps serving and says so', async () => {
    const be = await startServer((_q, res) => res.end('ok'));
    const { gw, url } = await startBundle(be.url, { HGW_DRAIN_DELAY: '0' });
    try {
      gw.child.kill('SIGHUP');
      await gw.waitFor(/SIGHUP: nothing to reload/);
      expect((await request(`${url}/x`)).body).toBe('ok');
      expect(gw.child.exitCode).toBeNull();
      gw.child.kill('SIGTERM');
      expect(await gw.exited).toBe(0);
    } finally {
      if (gw.child.exitCode === null) gw.child.kill('SIGKILL');
      await be.close();
    }
  });
});
