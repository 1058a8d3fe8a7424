import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runHgw, FIXTURES } from '../helpers/cli.js';
import { headerLines, request, startServer, type TestServer } from '../helpers/servers.js';
import { LISTENING, spawnWatched, type Spawned } from '../helpers/processes.js';

/**
 * The production ingress.json (94 hosts), built with `hgw build --ingress`
 * and served by the bundle with a host map sending every backend to one
 * catch-all: every host and path prefix reaches its backend with the
 * client's Host, X-Forwarded-Host and X-Real-IP, the health path answers
 * on any host, and an unknown host is Go's 404. (Which entry of the host
 * listed twice wins is tested in test/runtime/ingress.test.ts.)
 */
interface IngressFile {
  health_path?: string;
  routes: Array<{ host: string; backends: Array<{ path: string; url: string }> }>;
}

const INGRESS = join(FIXTURES, 'real-configs/hanzo-ingress.json');
const ingress = JSON.parse(readFileSync(INGRESS, 'utf8')) as IngressFile;

let dist: string;
let backend: TestServer;
let bundle: Spawned;
let url: string;
const agent = new Agent({ keepAlive: true, maxSockets: 16 });

beforeAll(async () => {
  dist = mkdtempSync(join(tmpdir(), 'hgw-ingress-'));
  const built = runHgw(['build', '--ingress', INGRESS, '--out', join(dist, 'out')]);
  expect(built.code, built.stderr).toBe(0);
  expect(built.stdout).toMatch(/ingress of 94 host\(s\)/);
  // The catch-all echoes what the ingress sent it.
  backend = await startServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ path: req.url, host: req.headers.host, forwardedHost: req.headers['x-forwarded-host'], realIp: req.headers['x-real-ip'] }));
  });
  bundle = spawnWatched(process.execPath, [join(dist, 'out', 'gateway.mjs'), '-p', '0'], { PATH: process.env.PATH, HGW_HOST_MAP: `*=${backend.url}` });
  url = `http://127.0.0.1:${(await bundle.waitFor(LISTENING))[1]}`;
});

afterAll(async () => {
  agent.destroy();
  bundle?.child.kill('SIGKILL');
  await backend?.close();
  rmSync(dist, { recursive: true, force: true });
});

describe('the production ingress.json, built and served', () => {
  it('sends every host and path prefix to the backend with the client\'s Host', async () => {
    const failures: string[] = [];
    for (const route of ingress.routes) {
      for (const b of route.backends) {
        const path = `${b.path}${b.path.endsWith('/') ? '' : '/'}probe`;
        const res = await request(`${url}${path}?x=1`, { agent, headers: { host: route.host, 'x-forwarded-for': '203.0.113.5' } });
        const got = JSON.parse(res.body) as { path: string; host: string; forwardedHost: string; realIp: string };
        if (res.status !== 200 || got.path !== `${path}?x=1` || got.host !== route.host || got.forwardedHost !== route.host || got.realIp !== '203.0.113.5') {
          failures.push(`${route.host}${path}: ${res.status} ${res.body.slice(0, 100)}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(ingress.routes).toHaveLength(95);
  });

  it('answers the health path on any host and 404 for a host it does not serve', async () => {
    const health = await request(`${url}${ingress.health_path ?? '/__health'}`, { agent, headers: { host: 'anything.example' } });
    expect(health.body).toBe('{"status":"ok"}');
    const unknown = await request(`${url}/`, { agent, headers: { host: 'not-served.example' } });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toBe('404 Not Found\n');
    expect(headerLines(unknown.rawHeaders, 'x-content-type-options')).toEqual(['nosniff']);
  });
});
