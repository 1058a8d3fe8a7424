import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runHgw } from '../helpers/cli.js';
import { echoHandler, request, startServer, type TestServer } from '../helpers/servers.js';
import { LISTENING, spawnWatched, type Spawned } from '../helpers/processes.js';

/**
 * Plugins end to end in a built gateway: `hgw build` bundles the plugins the
 * config names (and only those), and the bundle runs them: a server plugin
 * adds a header, a modifier rewrites a body, a client plugin answers instead
 * of the backend.
 */
let dir: string;
let backend: TestServer;
let gw: Spawned;
let url: string;
let manifest: { linked: { runtime: Array<{ file: string }> } };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hgw-plugins-'));
  cpSync(join(ROOT, 'fixtures/plugins/good-server.ts'), join(dir, 'plugins/good-server.ts'));
  cpSync(join(ROOT, 'fixtures/plugins/good-client.mjs'), join(dir, 'plugins/good-client.mjs'));
  cpSync(join(ROOT, 'fixtures/plugins/good-modifier.ts'), join(dir, 'plugins/good-modifier.ts'));
  cpSync(join(ROOT, 'fixtures/plugins/wrong-range.mjs'), join(dir, 'plugins/unused-wrong-range.mjs'));
  backend = await startServer((req, res) => {
    if (req.url === '/json') res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"a":1}');
    else echoHandler(req, res);
  });
  const config = {
    version: 3,
    plugin: { folder: './plugins', pattern: 'good' },
    extra_config: { 'plugin/http-server': { name: ['add-header'], 'add-header': { value: 'from-plugin' } } },
    endpoints: [
      { endpoint: '/echo', output_encoding: 'no-op', backend: [{ url_pattern: '/echo', host: [backend.url] }] },
      {
        endpoint: '/wrapped', output_encoding: 'no-op',
        backend: [{ url_pattern: '/json', host: [backend.url], extra_config: { 'plugin/req-resp-modifier': { name: ['json-envelope'] } } }],
      },
      {
        endpoint: '/wrapped-by-endpoint', output_encoding: 'no-op',
        extra_config: { 'plugin/req-resp-modifier': { name: ['json-envelope'] } },
        backend: [{ url_pattern: '/json', host: [backend.url] }],
      },
      {
        endpoint: '/answered', output_encoding: 'no-op',
        backend: [{ url_pattern: '/never', host: ['http://127.0.0.1:99'], extra_config: { 'plugin/http-client': { name: 'static-answer' } } }],
      },
    ],
  };
  writeFileSync(join(dir, 'gateway.json'), JSON.stringify(config));
  const built = runHgw(['build', join(dir, 'gateway.json'), '--out', join(dir, 'dist')]);
  expect(built.code, built.stderr).toBe(0);
  manifest = JSON.parse((await import('node:fs')).readFileSync(join(dir, 'dist/manifest.json'), 'utf8'));
  gw = spawnWatched(process.execPath, [join(dir, 'dist/gateway.mjs'), '-p', '0'], { PATH: process.env.PATH });
  url = `http://127.0.0.1:${(await gw.waitFor(LISTENING))[1]}`;
});

afterAll(async () => {
  gw?.child.kill('SIGKILL');
  await backend?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('plugins in a built gateway', () => {
  it('links the named plugins and nothing else from the folder', () => {
    const files = manifest.linked.runtime.map((f) => f.file);
    expect(files.some((f) => f.endsWith('good-server.ts'))).toBe(true);
    expect(files.some((f) => f.endsWith('good-modifier.ts'))).toBe(true);
    expect(files.some((f) => f.endsWith('good-client.mjs'))).toBe(true);
    expect(files.some((f) => f.includes('wrong-range'))).toBe(false);
  });

  it('a server plugin adds a header to every answer', async () => {
    const res = await request(`${url}/echo`);
    expect(res.status).toBe(200);
    expect(res.headers['x-plugin']).toBe('from-plugin');
  });

  it('a modifier rewrites the backend body, set on the backend or on its (single-backend) endpoint', async () => {
    expect(JSON.parse((await request(`${url}/wrapped`)).body)).toMatchObject({ modified: true });
    expect(JSON.parse((await request(`${url}/wrapped-by-endpoint`)).body)).toMatchObject({ modified: true });
  });

  it('a client plugin answers instead of the backend', async () => {
    const res = await request(`${url}/answered`);
    expect(res.status).toBe(200);
    expect(res.headers['x-answered-by']).toBe('static-answer');
    expect(JSON.parse(res.body)).toMatchObject({ method: 'GET', path: '/never' });
  });
});
