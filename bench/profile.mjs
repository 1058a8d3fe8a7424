// `npm run bench:profile`: where an hgw request's CPU goes. Runs a readable (unminified)
// hgw bundle under wrk with --cpu-prof, pinned as the suite pins it, and sorts the
// profile's self time into what it is spent on: socket syscalls, Node's http/net/stream
// core, undici (the backend client), hgw's own runtime, GC. Alongside, the user and
// kernel CPU per request of hgw, the bare node:http + undici proxy and nginx under the
// same load, from /proc — so the share of the cost that any Node proxy pays is visible.
// SCENARIO (noop-1k | merge), SECONDS (8) vary the run. Needs wrk and nginx.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, writeResult } from './lib/harness.mjs';
import { CLK_TCK, cpuTicks, freePort, requireTools, start } from './lib/processes.mjs';
import { wrk } from './lib/load.mjs';
import { startNativeProxy } from './peers/native-proxies.mjs';

requireTools([
  ['wrk', 'wrk', '--version'],
  ['nginx', 'nginx', '-v'],
]);
const seconds = Number(process.env.SECONDS ?? 8);
const scenario = process.env.SCENARIO ?? 'noop-1k';
const path = scenario === 'merge' ? '/merge' : '/1k';
const dir = mkdtempSync(join(tmpdir(), 'hgw-profile-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

const backend = await start(1, process.execPath, [join(root, 'bench/peers/backend.mjs')]);
const upstream = `http://127.0.0.1:${backend.port}`;
writeFileSync(
  join(dir, 'gateway.json'),
  JSON.stringify({
    version: 3,
    extra_config: { router: { disable_access_log: true } },
    endpoints: [
      { endpoint: '/1k', output_encoding: 'no-op', input_headers: ['*'], backend: [{ url_pattern: '/1k', host: [upstream] }] },
      { endpoint: '/merge', backend: ['/a', '/b', '/c'].map((p) => ({ url_pattern: p, host: [upstream] })) },
    ],
  }),
);
const built = spawnSync(process.execPath, [join(root, 'bin/hgw.mjs'), 'build', join(dir, 'gateway.json'), '--out', join(dir, 'hgw'), '-q', '--profile', 'krakend', '--no-minify'], { encoding: 'utf8' });
if (built.status !== 0) throw new Error(built.stderr);
const bundle = join(dir, 'hgw/gateway.mjs');
const FLAGS = ['--max-semi-space-size=4'];

/** user and kernel µs per request of a running peer under `seconds` of wrk. */
async function cpuSplit(peer, url) {
  await wrk(url, { cpu: 1, conns: 64, seconds: 2 });
  const before = cpuTicks(peer.pids());
  const run = await wrk(url, { cpu: 1, conns: 64, seconds });
  const after = cpuTicks(peer.pids());
  const us = (t) => ((t / CLK_TCK) * 1e6) / run.requests;
  return { rps: run.rps, userUs: us(after.user - before.user), sysUs: us(after.sys - before.sys) };
}

// 1. The /proc split for hgw, the floor and nginx (1 KB no-op only: the others do not merge).
const split = {};
const hgw = await start(0, process.execPath, [...FLAGS, bundle, '-p', '0']);
split.hgw = await cpuSplit(hgw, `http://127.0.0.1:${hgw.port}${path}`);
await hgw.stop();
if (scenario !== 'merge') {
  const floor = await start(0, process.execPath, [...FLAGS, join(root, 'bench/peers/lean-undici.mjs')], { UPSTREAM: upstream });
  split['node:http + undici (floor)'] = await cpuSplit(floor, `http://127.0.0.1:${floor.port}/1k`);
  await floor.stop();
  const port = await freePort();
  const nginx = await startNativeProxy('nginx', 0, dir, port, backend.port);
  split.nginx = await cpuSplit(nginx, `http://127.0.0.1:${port}/1k`);
  await nginx.stop();
}

// 2. A CPU profile of hgw under the same load.
const profDir = join(dir, 'prof');
const profiled = await start(0, process.execPath, [...FLAGS, '--cpu-prof', `--cpu-prof-dir=${profDir}`, bundle, '-p', '0']);
await wrk(`http://127.0.0.1:${profiled.port}${path}`, { cpu: 1, conns: 64, seconds });
await profiled.stop();
const profile = JSON.parse(readFileSync(join(profDir, readdirSync(profDir)[0]), 'utf8'));

// Bundle line → the source file esbuild put there (its `// path` section comments).
const sections = [];
readFileSync(bundle, 'utf8')
  .split('\n')
  .forEach((line, i) => {
    const m = /^\/\/ ((?:node_modules|runtime|templates|\.\.)\/\S+)$/.exec(line);
    if (m) sections.push({ line: i, file: m[1] });
  });
function sourceOf(line) {
  let lo = 0;
  let hi = sections.length - 1;
  let found = null;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sections[mid].line <= line) {
      found = sections[mid];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found?.file ?? '';
}
const SYSCALLS = new Set(['writev', 'writeLatin1String', 'writeUtf8String', 'writeBuffer', 'readStart', 'readStop', 'shutdown', 'close']);
function category(frame) {
  const { functionName: fn, url } = frame;
  if (fn === '(idle)') return null;
  if (fn === '(garbage collector)') return 'garbage collection';
  if (fn === '(program)') return 'V8 and native, unattributed (program)';
  if (url === '' && SYSCALLS.has(fn)) return 'socket syscalls (writev, write: the kernel work happens here)';
  if (url.startsWith('wasm')) return 'undici (backend client, incl. its llhttp wasm parser)';
  if (url === '') return 'native helpers (string ↔ buffer, regexps, microtasks)';
  if (url.startsWith('node:')) return "Node core (http server, net, streams, events, timers)";
  if (url.endsWith('gateway.mjs')) {
    const file = sourceOf(frame.lineNumber);
    if (file.includes('node_modules/undici')) return 'undici (backend client, incl. its llhttp wasm parser)';
    if (file.includes('node_modules/')) return 'other packages';
    return "hgw's runtime (routing, request building, headers, branding, merge)";
  }
  return 'other';
}
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
const hgwFunctions = new Map();
let busy = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const node = byId.get(profile.samples[i]);
  const dt = profile.timeDeltas[i] ?? 0;
  const cat = category(node.callFrame);
  if (cat === null) continue;
  busy += dt;
  self.set(cat, (self.get(cat) ?? 0) + dt);
  if (cat.startsWith("hgw's")) {
    const key = `${node.callFrame.functionName || '(anonymous)'} (${sourceOf(node.callFrame.lineNumber)})`;
    hgwFunctions.set(key, (hgwFunctions.get(key) ?? 0) + dt);
  }
}
const perReq = split.hgw.userUs + split.hgw.sysUs;
const rows = [...self].sort((a, b) => b[1] - a[1]).map(([name, t]) => ({ name, share: t / busy, usPerRequest: (t / busy) * perReq }));
const top = [...hgwFunctions].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([name, t]) => ({ name, share: t / busy }));

let md = `# Where an hgw request's CPU goes — ${scenario === 'merge' ? 'merge of 3 backends' : 'no-op 1 KB'}, 64 connections\n\nNode ${process.version}; proxy pinned to CPU 0, wrk and the backend on CPU 1; ${seconds} s per run.\n\n`;
md += '## CPU per request from /proc (user + kernel)\n\n| peer | req/s | user µs | kernel µs | total µs |\n|---|---:|---:|---:|---:|\n';
for (const [name, s] of Object.entries(split)) md += `| ${name} | ${Math.round(s.rps)} | ${s.userUs.toFixed(1)} | ${s.sysUs.toFixed(1)} | ${(s.userUs + s.sysUs).toFixed(1)} |\n`;
md += `\n## hgw's busy time by what it is spent on (--cpu-prof self time, scaled to ${perReq.toFixed(1)} µs/request)\n\n| spent in | share | ≈ µs/request |\n|---|---:|---:|\n`;
for (const r of rows) md += `| ${r.name} | ${(r.share * 100).toFixed(1)} % | ${r.usPerRequest.toFixed(1)} |\n`;
md += `\n## hgw's own functions with the most self time\n\n| function (source) | share of busy time |\n|---|---:|\n`;
for (const f of top) md += `| ${f.name} | ${(f.share * 100).toFixed(2)} % |\n`;
console.log(md);
writeResult(`profile-${scenario}.json`, { seconds, split, categories: rows, hgwFunctions: top });
writeFileSync(join(root, `bench/results/profile-${scenario}.md`), md);
process.exit(0);
