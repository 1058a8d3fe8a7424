import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeForwardResponse, encodeForward } from '../../../runtime/zap/wire/forward-envelopes.js';
import { ZapConnection } from '../../../runtime/zap/wire/zap-connection.js';
import { runHgwInProcess } from '../../helpers/cli.js';
import { request, startServer, type TestServer } from '../../helpers/servers.js';
import { startSpecPeer, type SpecPeer } from '../zap/spec-peer.js';

/**
 * `hgw build --relay` end to end: the bundle runs as its own process,
 * relays a Forward to cloud, answers the probes, and on SIGTERM lets the
 * call in flight finish, refuses new ones (503) and exits 0.
 */
let dir: string;
let service: TestServer;
let cloud: SpecPeer;
let child: ChildProcess | undefined;
let out = '';
let release: () => void = () => {};
let held: () => void = () => {};
const heldSeen = new Promise<void>((r) => (held = r));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hgw-relay-'));
  service = await startServer((req, res) => {
    if (req.url === '/v1/slow') {
      held();
      release = () => res.end('slow done');
      return;
    }
    res.end(`served ${req.url}`);
  });
  cloud = await startSpecPeer('cloud', service.url);
});

afterAll(async () => {
  child?.kill('SIGKILL');
  await cloud?.close();
  await service?.close();
  rmSync(dir, { recursive: true, force: true });
});

function forward(path: string): Buffer {
  return encodeForward({ isAdmin: false, permissions: 0n, tenantId: '', userId: '', method: 'GET', path, connId: '', headers: [], body: Buffer.alloc(0) });
}

describe('hgw build --relay', () => {
  it('builds a bundle that relays, probes and drains on SIGTERM', async () => {
    const built = await runHgwInProcess(['build', '--relay', '-o', join(dir, 'dist')]);
    expect(built.stderr).toBe('');
    expect([built.code, built.stdout]).toEqual([0, expect.stringContaining('HIP-0110 relay')]);
    expect(JSON.parse(readFileSync(join(dir, 'dist', 'manifest.json'), 'utf8'))).toMatchObject({ kind: 'relay' });
    expect(existsSync(join(dir, 'dist', 'gateway.mjs'))).toBe(true);

    child = spawn(process.execPath, [join(dir, 'dist', 'gateway.mjs')], {
      env: {
        PATH: process.env.PATH,
        GATEWAY_NODE_ID: 'relay',
        HGW_ZAP_NODE_LISTEN: '127.0.0.1:0',
        GATEWAY_LISTEN: '127.0.0.1:0',
        GATEWAY_HEALTH_LISTEN: '127.0.0.1:0',
        CLOUD_ZAP_ADDR: `127.0.0.1:${cloud.port}`,
        BASE_ZAP_ADDR: '127.0.0.1:9',
        AUTH_JWKS_URL: 'http://127.0.0.1:9/jwks',
        GATEWAY_SHUTDOWN_TIMEOUT: '30s',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => child!.once('exit', (code) => r(code)));
    const ports = await new Promise<RegExpMatchArray>((resolve) => {
      const look = () => {
        const m = out.match(/Forward envelopes on 127\.0\.0\.1:(\d+);.*probes on :(\d+) and :(\d+)/);
        if (m) resolve(m);
        else setTimeout(look, 20);
      };
      look();
    });
    const [zapPort, listenPort, healthPort] = [Number(ports[1]), Number(ports[2]), Number(ports[3])];
    expect(JSON.parse((await request(`http://127.0.0.1:${healthPort}/healthz`)).body)).toEqual({ status: 'ok', service: 'gateway' });
    expect((await request(`http://127.0.0.1:${listenPort}/readyz`)).status).toBe(200);

    const c = await ZapConnection.dial('127.0.0.1', zapPort, 'ingress');
    try {
      const ok = decodeForwardResponse(await c.call(forward('/v1/x'), 10_000));
      expect([ok.status, ok.body.toString()]).toEqual([200, 'served /v1/x']);
      const slow = c.call(forward('/v1/slow'), 20_000);
      await heldSeen;
      child.kill('SIGTERM');
      // Polled, not timed: once draining, a new call is refused.
      let status = 0;
      while (status !== 503) status = decodeForwardResponse(await c.call(forward('/v1/x'), 10_000)).status;
      release();
      const done = decodeForwardResponse(await slow);
      expect([done.status, done.body.toString()]).toEqual([200, 'slow done']);
      expect(await exited).toBe(0);
      expect(out).toContain('SIGTERM received: draining');
    } finally {
      c.close();
    }
  });
});
