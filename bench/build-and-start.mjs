// Bundle size, build time and start-up time of hgw bundles for three configs:
// the smallest fixture (one no-op pass-through endpoint), KrakenD-style example
// config, and the 193-endpoint production config. Medians of RUNS (default 5).
//
// Times are judged against peers measured in the same run, interleaved, so the
// verdicts are ratios and absolute times are information only:
// - build: a fresh Node process that only bundles the same generated entry.ts
//   with esbuild (same options, same runtime sources) — what is left is hgw's
//   own work (CLI start, check, plan, codegen, writing dist/);
// - start: a bare node:http server process answering /__health — the floor of
//   any Node server's start-up.
// Sizes are deterministic and keep fixed budgets (issue #3): the no-op bundle's
// hgw runtime < 80 KB and whole bundle < 650 KB.
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
/** hgw build may cost this much more than bundling alone: its own work should not outweigh esbuild's. */
const MAX_BUILD_RATIO = 2;
/** A bundle may take this much longer than a bare Node server to answer its first /__health: it parses 0.5–1.5 MB of JS (undici alone is 0.5 MB). */
const MAX_START_RATIO = 3;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const work = mkdtempSync(join(tmpdir(), 'hgw-bench-'));

function timed(args, what) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${what} exited ${r.status}: ${r.stderr}`);
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, stdout: r.stdout };
}

const buildOnce = (config, out) => timed([join(root, 'bin/hgw.mjs'), 'build', config, '--out', out, '-q', '--profile', 'krakend'], `hgw build ${config}`).ms;

/** The peer: esbuild alone on hgw's generated entry, `@hgw/runtime/…` resolved as cli/bundle/bundle-entry.ts does. Prints the bundle's bytes. */
const esbuildPeer = (entry) => `
  const { build } = require('esbuild');
  const { join } = require('node:path');
  const root = ${JSON.stringify(root)};
  const runtime = { name: 'hgw-runtime', setup(b) { b.onResolve({ filter: /^@hgw\\/runtime\\// }, (a) => ({ path: join(root, 'runtime', a.path.slice(13).replace(/\\.js$/, '.ts')) })); } };
  build({ entryPoints: [${JSON.stringify(entry)}], absWorkingDir: root, outfile: join(root, '.hgw-build', 'gateway.mjs'), bundle: true, platform: 'node', target: 'node20', format: 'esm',
    sourcemap: 'linked', sourcesContent: true, legalComments: 'linked', metafile: true, write: false, logLevel: 'silent', plugins: [runtime] })
    .then((r) => process.stdout.write(String(r.outputFiles.find((f) => f.path.endsWith('gateway.mjs')).contents.length)), () => process.exit(1));
`;

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

/** The start-up peer: a bare node:http server on the port, answering /__health. */
const bareServer = `require('node:http').createServer((q, s) => s.end('{"status":"ok"}')).listen(Number(process.argv.at(-1)), '127.0.0.1');`;

/** Milliseconds from spawning `node <args> <port>` to its first /__health 200. */
async function startOnce(args) {
  const port = await freePort();
  const t0 = process.hrtime.bigint();
  const child = spawn(process.execPath, [...args, String(port)], { stdio: 'ignore' });
  try {
    for (;;) {
      if (await healthOk(port)) return Number(process.hrtime.bigint() - t0) / 1e6;
      if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited ${child.exitCode}`);
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
  const peerBuildMs = [];
  const startMs = [];
  const peerStartMs = [];
  buildOnce(config, out); // warm caches
  const entry = join(work, `entry-${rows.length}.ts`);
  writeFileSync(entry, readFileSync(join(out, 'entry.ts')));
  let peerBytes = 0;
  for (let i = 0; i < runs; i++) {
    // Interleaved, so machine noise hits hgw and its peers alike.
    buildMs.push(buildOnce(config, out));
    const peer = timed(['-e', esbuildPeer(entry)], 'esbuild peer');
    peerBuildMs.push(peer.ms);
    peerBytes = Number(peer.stdout);
    startMs.push(await startOnce([join(out, 'gateway.mjs'), '-p']));
    peerStartMs.push(await startOnce(['-e', bareServer]));
  }
  const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
  rows.push({
    config: name,
    endpoints: m.config.endpoints,
    bundleBytes: m.outputs['gateway.mjs'].bytes,
    peerBundleBytes: peerBytes,
    runtimeBytes: m.linked.runtimeBytes,
    entryBytes: m.linked.entryBytes,
    packages: Object.fromEntries(m.linked.packages.map((p) => [p.name, p.bytes])),
    buildMsMedian: Math.round(median(buildMs)),
    peerEsbuildMsMedian: Math.round(median(peerBuildMs)),
    buildRatio: median(buildMs) / median(peerBuildMs),
    startMsMedian: Math.round(median(startMs)),
    startMsRange: [Math.round(Math.min(...startMs)), Math.round(Math.max(...startMs))],
    peerBareServerStartMsMedian: Math.round(median(peerStartMs)),
    startRatio: median(startMs) / median(peerStartMs),
  });
}
rmSync(work, { recursive: true, force: true });

const kb = (b) => `${(b / 1024).toFixed(1)} KB`;
const x = (r) => `${r.toFixed(2)}×`;
console.log(`hgw bundles — Node ${process.version}, ${runs} runs, medians (times in ms are information; verdicts are ratios)\n`);
console.log('| config | endpoints | bundle | hgw runtime | entry (config data) | npm packages | build / esbuild alone | start / bare node:http |');
console.log('|---|---:|---:|---:|---:|---|---:|---:|');
for (const r of rows) {
  const pk = Object.entries(r.packages).map(([n, b]) => `${n} ${kb(b)}`).join(', ');
  console.log(`| ${r.config} | ${r.endpoints} | ${kb(r.bundleBytes)} | ${kb(r.runtimeBytes)} | ${kb(r.entryBytes)} | ${pk} | ${x(r.buildRatio)} (${r.buildMsMedian} / ${r.peerEsbuildMsMedian} ms) | ${x(r.startRatio)} (${r.startMsMedian} / ${r.peerBareServerStartMsMedian} ms) |`);
}
const noop = rows[0];
const checks = [
  ['no-op bundle: hgw runtime < 80 KB', noop.runtimeBytes < 80 * 1024],
  ['no-op bundle: whole bundle < 650 KB', noop.bundleBytes < 650 * 1024],
  ...rows.map((r) => [`${r.config}: build ≤ ${MAX_BUILD_RATIO}× esbuild alone (${x(r.buildRatio)})`, r.buildRatio <= MAX_BUILD_RATIO]),
  ...rows.map((r) => [`${r.config}: start ≤ ${MAX_START_RATIO}× a bare node:http server (${x(r.startRatio)})`, r.startRatio <= MAX_START_RATIO]),
];
console.log('');
for (const [what, ok] of checks) console.log(`${ok ? 'met   ' : 'missed'}  ${what}`);
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(join(root, 'bench/results/build-and-start.json'), `${JSON.stringify({ node: process.version, runs, maxBuildRatio: MAX_BUILD_RATIO, maxStartRatio: MAX_START_RATIO, rows, checks }, null, 2)}\n`);
