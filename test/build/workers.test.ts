import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runHgw } from '../helpers/cli.js';
import { base } from '../helpers/check.js';
import { request, startServer } from '../helpers/servers.js';
import { LISTENING, spawnWatched } from '../helpers/processes.js';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { withYoungGenerationCap } from '../../runtime/core/start.js';

/** `node gateway.mjs -w 2`: two workers share the port, and SIGTERM drains them all. */
const dir = mkdtempSync(join(tmpdir(), 'hgw-workers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cluster workers', () => {
  it('serves from N workers on one port, replaces none on a clean stop, and exits 0 on SIGTERM', async () => {
    const be = await startServer((_q, res) => res.end(String(process.pid)));
    try {
      writeFileSync(join(dir, 'gateway.json'), JSON.stringify(base([{ endpoint: '/x', output_encoding: 'no-op', backend: [{ url_pattern: '/x', host: [be.url] }] }])));
      expect(runHgw(['build', join(dir, 'gateway.json'), '--out', join(dir, 'dist')]).code).toBe(0);
      const gw = spawnWatched(process.execPath, [join(dir, 'dist/gateway.mjs'), '-p', '0', '-w', '2'], { PATH: process.env.PATH, HGW_PORT: '0', HGW_DRAIN_DELAY: '0' });
      const port = Number((await gw.waitFor(LISTENING))[1]);
      await gw.waitFor(/listening on port \d+[\s\S]*listening on port \d+/);
      expect((await request(`http://127.0.0.1:${port}/x`)).status).toBe(200);
      // Each worker runs with the young generation capped (RSS per worker stays low under load).
      const workers = spawnSync('pgrep', ['-P', String(gw.child.pid)], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
      expect(workers).toHaveLength(2);
      for (const pid of workers) expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')).toContain('--max-semi-space-size=4');
      gw.child.kill('SIGTERM');
      expect(await gw.exited).toBe(0);
      expect(gw.output()).not.toMatch(/starting another/);
    } finally {
      await be.close();
    }
  });
});

describe('worker heap flags', () => {
  it('adds the semi-space cap unless the operator chose one, on the command line or in NODE_OPTIONS', () => {
    expect(withYoungGenerationCap([])).toEqual(['--max-semi-space-size=4']);
    expect(withYoungGenerationCap(['--enable-source-maps'])).toEqual(['--enable-source-maps', '--max-semi-space-size=4']);
    expect(withYoungGenerationCap(['--max-semi-space-size=32'])).toEqual(['--max-semi-space-size=32']);
    expect(withYoungGenerationCap([], '--inspect --max-semi-space-size=16')).toEqual([]);
  });
});
