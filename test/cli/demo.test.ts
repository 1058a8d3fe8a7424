import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
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
});
