import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createServer, type AddressInfo } from 'node:net';
import { ROOT } from '../helpers/cli.js';

describe('npm run demo', () => {
  it('builds and serves the demo config against its built-in backend, then stops cleanly (--once)', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts/demo.mjs'), '--once'], { cwd: ROOT, encoding: 'utf8', timeout: 30_000, env: { PATH: process.env.PATH } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/GET \/users\/1 → 200 \{.*"Ada"/);
    expect(r.stdout).toMatch(/POST \/orders → 201 \{"created":true,"received":\{"sku":"hgw-1"\}\}/);
    // The hanzo profile: a forged identity header is no identity, and /healthz replaces Lura's /__health.
    expect(r.stdout).toMatch(/GET \/account → 401 \{"error":"unauthorized","message":"Authentication required"\}/);
    expect(r.stdout).toMatch(/GET \/healthz → 200 \{"status":"ok"\}/);
    expect(r.stdout).toMatch(/server stopped/);
  });

  it('with PORT taken, says so plainly and exits 1 without a stack trace', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, resolve));
    const port = (busy.address() as AddressInfo).port;
    try {
      const r = spawnSync(process.execPath, [join(ROOT, 'scripts/demo.mjs'), '--once'], { cwd: ROOT, encoding: 'utf8', timeout: 30_000, env: { PATH: process.env.PATH, PORT: String(port) } });
      expect(r.stderr).toContain(`hgw: the gateway could not start: port ${port} is already in use by another process`);
      expect(r.stderr).toContain(`demo: the gateway did not start on port ${port}; free it or pick another`);
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect(r.status).toBe(1);
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
  });
});
