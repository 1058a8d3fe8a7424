// `node bench/fast-path-cost.mjs`: CPU per request of the raw-socket fast path against the node:http path
// of the same bundle (HGW_FAST_PATH=0) and nginx, no-op 1 KB GET and 16 KB POST, 64 connections each, all
// three under load at once (load and backend on cpu0, the proxies on cpu1). Medians with min–max over
// rounds. CPU µs/req from /proc is the figure to decide on: it survives a loaded machine; req/s does not
// (and here it is shared three ways).
// ROUNDS (3), SECONDS (5) vary the run. Needs wrk and nginx.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from './lib/harness.mjs';
import { CLK_TCK, cpuTicks, freePort, requireTools, start, startNginx } from './lib/processes.mjs';
import { wrk } from './lib/load.mjs';

requireTools([
  ['wrk', 'wrk', '--version'],
  ['nginx', 'nginx', '-v'],
]);
const seconds = Number(process.env.SECONDS ?? 5);
const rounds = Number(process.env.ROUNDS ?? 3);
const dir = mkdtempSync(join(tmpdir(), 'hgw-fast-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

const origin = await start(0, process.execPath, [join(root, 'bench/peers/backend.mjs')]);
const noop = (path, method) => ({ endpoint: path, method, output_encoding: 'no-op', input_headers: ['*'], backend: [{ url_pattern: path, method, host: [`http://127.0.0.1:${origin.port}`] }] });
const config = { version: 3, extra_config: { router: { disable_access_log: true } }, endpoints: [noop('/1k', 'GET'), noop('/echo', 'POST')] };
writeFileSync(join(dir, 'gateway.json'), JSON.stringify(config));
// PROFILE=hanzo measures the default profile's edge chain (requests without credentials: the anonymous pass).
const profile = process.env.PROFILE ?? 'krakend';
const hgwBuild = spawnSync(process.execPath, [join(root, 'bin/hgw.mjs'), 'build', join(dir, 'gateway.json'), '--out', join(dir, 'hgw'), '-q', '--profile', profile], { encoding: 'utf8' });
if (hgwBuild.status !== 0) throw new Error(hgwBuild.stderr);
const bundle = join(dir, 'hgw/gateway.mjs');
const body = join(dir, 'post.lua');
writeFileSync(body, `wrk.method = "POST"\nwrk.body = string.rep("x", 16384)\nwrk.headers["Content-Type"] = "application/octet-stream"\n`);

const ngPort = await freePort();
writeFileSync(
  join(dir, 'nginx.conf'),
  `worker_processes 1; daemon off; pid ${dir}/nginx.pid; error_log ${dir}/nginx-error.log;
events { worker_connections 4096; }
http { access_log off; client_body_buffer_size 64k; upstream be { server 127.0.0.1:${origin.port}; keepalive 128; keepalive_requests 1000000; }
  server { listen 127.0.0.1:${ngPort}; location / { proxy_pass http://be; proxy_http_version 1.1; proxy_set_header Connection ""; } } }
`,
);

/** The IAM gate's key server is never reached by credential-less requests; an unroutable one keeps the run offline. */
const HANZO_ENV = profile === 'hanzo' ? { AUTH_JWKS_URL: 'http://127.0.0.1:1/jwks', HGW_DRAIN_DELAY: '0' } : {};
const peers = {
  'hgw fast path': () => start(1, process.execPath, ['--max-semi-space-size=4', bundle, '-p', '0'], { ...HANZO_ENV, HGW_FAST_PATH: '1' }),
  'hgw node:http (HGW_FAST_PATH=0)': () => start(1, process.execPath, ['--max-semi-space-size=4', bundle, '-p', '0'], { ...HANZO_ENV, HGW_FAST_PATH: '0' }),
  nginx: async () => Object.assign(await startNginx(1, dir, join(dir, 'nginx.conf'), ngPort), { port: ngPort }),
};
const scenarios = { 'GET 1 KB': { path: '/1k' }, 'POST 16 KB': { path: '/echo', script: body } };
// Side by side: the three run at the same time in every round, so each meets the same contention from the
// rest of the machine and their CPU per request compares fairly even on a loaded box.
const running = {};
for (const [name, launch] of Object.entries(peers)) running[name] = await launch();
const results = {};
for (let r = 0; r < rounds; r++) {
  for (const [scenario, { path, script }] of Object.entries(scenarios)) {
    const load = (peer, s) => wrk(`http://127.0.0.1:${peer.port}${path}`, { cpu: 0, conns: 64, seconds: s, ...(script ? { script } : {}) });
    await Promise.all(Object.values(running).map((peer) => load(peer, 2)));
    const before = Object.fromEntries(Object.entries(running).map(([name, peer]) => [name, cpuTicks(peer.pids())]));
    const runs = await Promise.all(Object.values(running).map((peer) => load(peer, seconds)));
    Object.keys(running).forEach((name, i) => {
      const after = cpuTicks(running[name].pids());
      const run = runs[i];
      const us = (((after.user + after.sys - before[name].user - before[name].sys) / CLK_TCK) * 1e6) / run.requests;
      ((results[scenario] ??= {})[name] ??= []).push({ us, rps: run.rps, errors: run.errors });
    });
  }
}
for (const peer of Object.values(running)) await peer.stop();
await origin.stop();
const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
for (const [scenario, byPeer] of Object.entries(results)) {
  console.log(`\n${scenario} (64 conns, ${rounds} rounds × ${seconds} s)`);
  const ng = med(byPeer.nginx.map((x) => x.us));
  for (const [name, runs] of Object.entries(byPeer)) {
    const us = runs.map((x) => x.us);
    const rps = runs.map((x) => x.rps);
    const errors = runs.reduce((n, x) => n + x.errors, 0);
    console.log(`  ${name.padEnd(34)} ${med(us).toFixed(1).padStart(6)} µs/req (${Math.min(...us).toFixed(1)}–${Math.max(...us).toFixed(1)})  ${(med(us) / ng).toFixed(2)}× nginx CPU  ${Math.round(med(rps))} req/s (side by side)  ${errors} errors`);
  }
}
