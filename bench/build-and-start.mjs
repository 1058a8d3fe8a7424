// Bundle size, build time and start-up time of hgw bundles for three configs:
// the smallest fixture (one no-op pass-through endpoint), KrakenD-style example
// config, and the 193-endpoint production config. Medians of RUNS (default 5).
// Targets (issue #3): no-op bundle's hgw runtime < 80 KB and whole bundle < 650 KB;
// 193-endpoint bundle serving /__health within 300 ms of process start; its build < 3 s.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.env.RUNS ?? 5);
const configs = [
  ['no-op pass-through (fixtures/bench)', join(root, 'fixtures/bench/noop-passthrough.json')],
  ['example (real-configs/example-gateway.json)', join(root, 'fixtures/real-configs/example-gateway.json')],
  ['production, 193 endpoints (real-configs/hanzo-gateway.json)', join(root, 'fixtures/real-configs/hanzo-gateway.json')],
];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const work = mkdtempSync(join(tmpdir(), 'hgw-bench-'));

function buildOnce(config, out) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [join(root, 'bin/hgw.mjs'), 'build', config, '--out', out, '-q'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`hgw build ${config} exited ${r.status}: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function healthOk(port) {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/__health', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
    });
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** Milliseconds from spawning `node gateway.mjs` to its first /__health 200. */
async function startOnce(bundle) {
  const port = await freePort();
  const t0 = process.hrtime.bigint();
  const child = spawn(process.execPath, [bundle, '-p', String(port)], { stdio: 'ignore' });
  try {
    for (;;) {
      if (await healthOk(port)) return Number(process.hrtime.bigint() - t0) / 1e6;
      if (child.exitCode !== null) throw new Error(`${bundle} exited ${child.exitCode}`);
      await new Promise((r) => setTimeout(r, 2));
    }
  } finally {
    child.kill('SIGKILL');
  }
}

const rows = [];
for (const [name, config] of configs) {
  const out = join(work, `dist-${rows.length}`);
  const buildMs = [];
  const startMs = [];
  buildOnce(config, out); // warm caches
  for (let i = 0; i < runs; i++) {
    buildMs.push(buildOnce(config, out));
    startMs.push(await startOnce(join(out, 'gateway.mjs')));
  }
  const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
  rows.push({
    config: name,
    endpoints: m.config.endpoints,
    bundleBytes: m.outputs['gateway.mjs'].bytes,
    runtimeBytes: m.linked.runtimeBytes,
    entryBytes: m.linked.entryBytes,
    packages: Object.fromEntries(m.linked.packages.map((p) => [p.name, p.bytes])),
    buildMsMedian: Math.round(median(buildMs)),
    startMsMedian: Math.round(median(startMs)),
    startMsRange: [Math.round(Math.min(...startMs)), Math.round(Math.max(...startMs))],
  });
}
rmSync(work, { recursive: true, force: true });

const kb = (b) => `${(b / 1024).toFixed(1)} KB`;
console.log(`hgw bundles — Node ${process.version}, ${runs} runs, medians\n`);
console.log('| config | endpoints | bundle | hgw runtime | entry (config data) | npm packages | build | start → first /__health 200 |');
console.log('|---|---:|---:|---:|---:|---|---:|---:|');
for (const r of rows) {
  const pk = Object.entries(r.packages).map(([n, b]) => `${n} ${kb(b)}`).join(', ');
  console.log(`| ${r.config} | ${r.endpoints} | ${kb(r.bundleBytes)} | ${kb(r.runtimeBytes)} | ${kb(r.entryBytes)} | ${pk} | ${r.buildMsMedian} ms | ${r.startMsMedian} ms (${r.startMsRange.join('–')}) |`);
}
const noop = rows[0];
const prod = rows[2];
const checks = [
  ['no-op bundle: hgw runtime < 80 KB', noop.runtimeBytes < 80 * 1024],
  ['no-op bundle: whole bundle < 650 KB', noop.bundleBytes < 650 * 1024],
  ['193-endpoint bundle ready within 300 ms', prod.startMsMedian < 300],
  ['193-endpoint build < 3 s', prod.buildMsMedian < 3000],
];
console.log('');
for (const [what, ok] of checks) console.log(`${ok ? 'PASS' : 'MISS'}  ${what}`);
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(join(root, 'bench/results/build-and-start.json'), `${JSON.stringify({ node: process.version, runs, rows, checks }, null, 2)}\n`);
