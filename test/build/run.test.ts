import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HGW_BIN } from '../helpers/cli.js';
import { base } from '../helpers/check.js';
import { gatedBackend, request, startServer } from '../helpers/servers.js';
import { LISTENING, spawnWatched, type Spawned } from '../helpers/processes.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function hgwRun(config: unknown, ...args: string[]): Spawned {
  const dir = mkdtempSync(join(tmpdir(), 'hgw-run-test-'));
  const file = join(dir, 'gateway.json');
  writeFileSync(file, JSON.stringify(config));
  const p = spawnWatched(process.execPath, [HGW_BIN, 'run', '-c', file, ...args], { PATH: process.env.PATH, NO_COLOR: '1' });
  cleanups.push(() => {
    if (p.child.exitCode === null) p.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  return p;
}

describe('hgw run', () => {
  it('keeps a SIGHUP that arrives while it is still starting, and reloads once it serves (Node would exit 129)', async () => {
    const be = await startServer((_req, res) => res.end('ok'));
    cleanups.push(() => be.close());
    const gw = hgwRun(base([{ endpoint: '/a', output_encoding: 'no-op', backend: [{ url_pattern: '/a', host: [be.url] }] }]), '-p', '0');
    // Long before it serves (the build takes seconds), once node has started the CLI's entry script.
    await new Promise((r) => setTimeout(r, 300));
    gw.child.kill('SIGHUP');
    await gw.waitFor(/reloaded: the new gateway serves on port (\d+)/, 60_000);
    expect(gw.child.exitCode).toBe(null);
    const port = Number((await gw.waitFor(LISTENING))[1]);
    expect((await request(`http://127.0.0.1:${port}/a`)).body).toBe('ok');
  });

  it('serves the config, and on SIGTERM finishes the running request, 503s a new one on a kept-alive connection, exits 0', async () => {
    const be = await gatedBackend();
    cleanups.push(() => be.close());
    const gw = hgwRun(
      base([
        { endpoint: '/slow', output_encoding: 'no-op', backend: [{ url_pattern: '/slow', host: ['http://backend.internal:8000'] }] },
        { endpoint: '/fast', output_encoding: 'no-op', backend: [{ url_pattern: '/fast', host: ['http://backend.internal:8000'] }] },
      ]),
      '-p',
      '0',
      '--host-map',
      `http://backend.internal:8000=${be.url}`,
    );
    const port = Number((await gw.waitFor(LISTENING))[1]);
    const url = `http://127.0.0.1:${port}`;
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    cleanups.push(() => agent.destroy());
    expect((await request(`${url}/fast`, { agent })).body).toBe('fast');

    const slow = request(`${url}/slow`);
    await be.arrived;
    gw.child.kill('SIGTERM');
    await gw.waitFor(/draining/);
    const meanwhile = await request(`${url}/fast`, { agent });
    expect(meanwhile.status).toBe(503);
    expect(meanwhile.headers.connection).toBe('close');
    be.release();
    expect(await slow).toMatchObject({ status: 200, body: 'slow done' });
    expect(await gw.exited).toBe(0);
  });

  it('serves a routes.yaml given with --routes, and a SIGTERM does not wait for an open WebSocket tunnel', async () => {
    const site = await startServer((req, res) => res.end(`site ${req.url}`));
    cleanups.push(() => site.close());
    // A backend that switches protocols and then holds the connection open.
    const held = new Set<import('node:net').Socket>();
    site.server!.on('upgrade', (_req, socket: import('node:net').Socket) => {
      held.add(socket);
      socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
    });
    cleanups.push(() => held.forEach((s) => s.destroy()));
    const dir = mkdtempSync(join(tmpdir(), 'hgw-run-routes-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const routes = join(dir, 'routes.yaml');
    writeFileSync(routes, 'routes:\n  app.example.com:\n    - prefix: /\n      backend: http://site.internal:80\n');
    const gw = hgwRun(base([{ endpoint: '/a', backend: [{ url_pattern: '/a' }] }]), '--routes', routes, '-p', '0', '--host-map', `http://site.internal:80=${site.url}`);
    const port = Number((await gw.waitFor(LISTENING))[1]);
    expect(gw.output()).toMatch(/host routing: 1 host\(s\), 0 redirect\(s\), 0 subdomain pattern\(s\)/);
    const res = await request(`http://127.0.0.1:${port}/page?x=1`, { headers: { host: 'app.example.com' } });
    expect(res.body).toBe('site /page?x=1');

    const { connect } = await import('node:net');
    const ws = connect(port, '127.0.0.1');
    let answer = '';
    ws.setEncoding('latin1');
    ws.on('data', (c: string) => (answer += c));
    ws.write('GET /live HTTP/1.1\r\nHost: app.example.com\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n');
    const wsClosed = new Promise<void>((r) => ws.on('close', () => r()));
    while (!answer.includes('\r\n\r\n')) await new Promise((r) => setTimeout(r, 10));
    expect(answer).toMatch(/^HTTP\/1\.1 101 /);
    gw.child.kill('SIGTERM');
    expect(await gw.exited).toBe(0);
    await wsClosed;
  });

  it('runs Lua scripts from the built bundle (the VM loads from beside it)', async () => {
    const be = await startServer((req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ path: req.url })));
    cleanups.push(() => be.close());
    const gw = hgwRun(
      base([{ endpoint: '/l/{id}', backend: [{ url_pattern: '/x/', host: [be.url], extra_config: { 'modifier/lua-backend': { pre: "local r = request.load(); r:url(r:url() .. r:params('Id'))" } } }] }]),
      '-p',
      '0',
    );
    const port = Number((await gw.waitFor(LISTENING))[1]);
    expect(JSON.parse((await request(`http://127.0.0.1:${port}/l/9`)).body)).toEqual({ path: '/x/9' });
  });

  it('refuses to start a config with errors (exit 1, check\'s findings)', async () => {
    const gw = hgwRun({ version: 3, endpoints: [{ endpoint: '/x', backend: [{ url_pattern: '/x', host: ['ftp://nope'] }] }] });
    expect(await gw.exited).toBe(1);
    expect(gw.output()).toMatch(/nothing was built/);
  });

  it('reports a port in use clearly instead of crashing', async () => {
    const holder = await startServer((_q, s) => s.end());
    cleanups.push(() => holder.close());
    const gw = hgwRun(base([{ endpoint: '/a', backend: [{ url_pattern: '/a' }] }]), '-p', String(holder.port));
    expect(await gw.exited).toBe(1);
    expect(gw.output()).toContain(`could not start: port ${holder.port} is already in use by another process`);
  });
});
