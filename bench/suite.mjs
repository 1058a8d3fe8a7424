// `npm run bench`: hgw against the proxies a user would pick, in one run on this machine.
// Peers (ids for PEERS): direct (the backend itself: the ceiling), nginx, haproxy and caddy
// (bench/peers/native-proxies.mjs; Caddy stands in for Go's net/http, the stack KrakenD and
// the Go gateway run on), fastify (+ @fastify/reply-from), http-proxy (node-http-proxy),
// floor (a bare node:http + undici proxy: what any Node proxy costs here), hgw (a bundle)
// and hgw-node-http (the same bundle with HGW_FAST_PATH=0: hgw's node:http path, so the
// fast path's gain is measured, not claimed). A peer that is not installed (and cannot be)
// is skipped with the reason. Every ratio compares peers measured in the same run. Phases:
//   throughput  scenarios in interleaved rounds: req/s, p50/p99, proxy CPU µs/request, RSS
//   fixed-rate  every peer at the same open-loop rate, 80 % of nginx's maximum: p50/p99/p99.9
//   scaling     the hgw bundle with 1 and with 2 node:cluster workers, nothing pinned
//   leak        a fresh hgw under load for LEAK_SECONDS (90): RSS every second, live heap after each full GC
// The proxy under test is pinned to CPU 0; the load generator and the backend share CPU 1.
// Needs wrk; nginx, HAProxy and Caddy are Debian packages, installed when missing and root.
// ROUNDS (3), SECONDS (5), SCENARIOS (ids), PEERS (ids), PHASES (names), LEAK_SECONDS (90) vary the run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { root, writeResult } from './lib/harness.mjs';
import { CLK_TCK, cpuTicks, cpuWaitMs, freePort, missingTool, requireTools, rssMb, start } from './lib/processes.mjs';
import { fixedRate, wrk } from './lib/load.mjs';
import { fixedRateTable, median, rangeText, ratioRange, ratiosTable, ratioText, summarise, targetsTable, throughputTable } from './lib/report.mjs';
import { issueTargets } from './lib/targets.mjs';
import { nativeProxies, startNativeProxy } from './peers/native-proxies.mjs';

const rounds = Number(process.env.ROUNDS ?? 3);
const seconds = Number(process.env.SECONDS ?? 5);
const leakSeconds = Number(process.env.LEAK_SECONDS ?? 90);
const phases = new Set((process.env.PHASES ?? 'throughput,fixed-rate,scaling,leak').split(','));
const chosen = process.env.PEERS ? new Set(process.env.PEERS.split(',')) : null;
requireTools([['wrk', 'wrk', '--version']]);
const dir = mkdtempSync(join(tmpdir(), 'hgw-suite-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const PROXY_CPU = 0;
const LOAD_CPU = 1;

// A signing key for the auth scenario; the backend serves its public half as a JWKS.
const { publicKey, privateKey } = await generateKeyPair('RS256');
const jwk = { ...(await exportJWK(publicKey)), kid: 'bench', alg: 'RS256' };
const token = await new SignJWT({ sub: 'bench-user', roles: ['user'] }).setProtectedHeader({ alg: 'RS256', kid: 'bench' }).setIssuer('https://iam.bench').setAudience('api').setExpirationTime('6h').sign(privateKey);

const backend = await start(LOAD_CPU, process.execPath, [join(root, 'bench/peers/backend.mjs')], { JWKS: JSON.stringify({ keys: [jwk] }) });
const upstream = `http://127.0.0.1:${backend.port}`;
// Every figure after the backend's death would be an error page's: stop at once and say so.
backend.child.once('exit', (code, signal) => {
  console.error(`the backend exited (${signal ?? `code ${code}`}) in the middle of the run: no figure after this is valid; stopping`);
  process.exit(1);
});

// hgw: a bundle built from a config holding the suite's endpoints.
const noop = (endpoint, extra = {}) => ({ endpoint, output_encoding: 'no-op', input_headers: ['*'], backend: [{ url_pattern: endpoint, host: [upstream] }], ...extra });
const config = {
  version: 3,
  extra_config: { router: { disable_access_log: true } },
  endpoints: [
    noop('/1k'),
    noop('/64k'),
    noop('/sse'),
    noop('/echo', { method: 'POST' }),
    { endpoint: '/merge', backend: ['/a', '/b', '/c'].map((p) => ({ url_pattern: p, host: [upstream] })) },
    {
      ...noop('/auth/1k'),
      backend: [{ url_pattern: '/1k', host: [upstream] }],
      extra_config: { 'auth/validator': { alg: 'RS256', jwk_url: `${upstream}/jwks.json`, disable_jwk_security: true, cache: true, issuer: 'https://iam.bench', audience: ['api'] } },
    },
  ],
};
writeFileSync(join(dir, 'gateway.json'), JSON.stringify(config));
const built = spawnSync(process.execPath, [join(root, 'bin/hgw.mjs'), 'build', join(dir, 'gateway.json'), '--out', join(dir, 'hgw'), '-q', '--profile', 'krakend'], { encoding: 'utf8' });
if (built.status !== 0) throw new Error(built.stderr);
const bundle = join(dir, 'hgw/gateway.mjs');
// Every Node proxy runs as hgw runs its workers (runtime/core/start.ts workerExecArgv): young generation
// capped at 4 MB semi-spaces, and GC on the main thread — pinned to one CPU, V8's GC helper threads would
// otherwise wait for the very CPU the event loop needs. BENCH_NODE_FLAGS replaces the list (space-separated;
// BENCH_NODE_FLAGS=--max-semi-space-size=4 measures with V8's GC threads).
const NODE_FLAGS = process.env.BENCH_NODE_FLAGS !== undefined ? process.env.BENCH_NODE_FLAGS.split(/\s+/).filter(Boolean) : ['--max-semi-space-size=4', '--single-threaded-gc'];
const startNode = (cpu, script, args = [], env = {}, flags = []) => start(cpu, process.execPath, [...NODE_FLAGS, ...flags, script, ...args], env, { keepOutput: flags.length > 0 });
const startHgw = (cpu, args = [], flags = [], env = {}) => startNode(cpu, bundle, ['-p', '0', ...args], env, flags);

const FLOOR = 'node:http + undici (floor)';
const OLD_PATH = 'hgw, node:http path (HGW_FAST_PATH=0)';
// The fast path reads HGW_FAST_PATH; a bundle without the name has none, and both hgw rows run the same code.
const hasFastPath = readFileSync(bundle, 'utf8').includes('HGW_FAST_PATH');
const pathNote = hasFastPath
  ? `"${OLD_PATH}" is the same bundle with the fast path off: hgw / that row is the fast path's gain.`
  : `This hgw build has no fast path yet (its bundle never reads HGW_FAST_PATH), so "hgw" and "${OLD_PATH}" run the same node:http code: the two rows measure the same thing and differ only by run-to-run noise.`;
const node = (script) => () => startNode(PROXY_CPU, join(root, 'bench/peers', script), [], { UPSTREAM: upstream });
const native = (id) => ({ id, name: nativeProxies[id].name, tool: nativeProxies[id].tool, start: async () => startNativeProxy(id, PROXY_CPU, dir, await freePort(), backend.port) });
const peerList = [
  { id: 'direct', name: 'direct', start: async () => backend },
  native('nginx'),
  native('haproxy'),
  native('caddy'),
  { id: 'fastify', name: 'fastify + reply-from', start: node('fastify-proxy.mjs') },
  { id: 'http-proxy', name: 'node-http-proxy', start: node('http-proxy.mjs') },
  { id: 'floor', name: FLOOR, start: node('lean-undici.mjs') },
  { id: 'hgw', name: 'hgw', start: () => startHgw(PROXY_CPU) },
  { id: 'hgw-node-http', name: OLD_PATH, start: () => startHgw(PROXY_CPU, [], [], { HGW_FAST_PATH: '0' }) },
];
/** name → running peer; id → name; and the peers left out, with why. */
const peers = {};
const nameOf = {};
const skipped = [];
for (const p of peerList) {
  if (chosen && !chosen.has(p.id)) continue;
  const missing = p.tool ? missingTool(p.tool) : null;
  if (missing) {
    skipped.push(`${p.name}: ${missing}`);
    continue;
  }
  try {
    peers[p.name] = await p.start();
    nameOf[p.id] = p.name;
  } catch (err) {
    skipped.push(`${p.name}: ${err.message.split('\n')[0]}`);
  }
}
for (const why of skipped) process.stderr.write(`skipped ${why}\n`);
process.stderr.write(`${pathNote}\n`);
/** Whether scenario `s` runs against the peer called `name`. */
const runsOn = (s, name) => !s.only || s.only.some((id) => nameOf[id] === name);

writeFileSync(join(dir, 'post16k.lua'), `wrk.method = "POST"\nwrk.body = string.rep("x", 16384)\nwrk.headers["Content-Type"] = "application/json"\n`);
const scenarios = [
  { id: 'noop-1k-64c', name: 'no-op 1 KB, 64 connections', path: '/1k', conns: 64 },
  { id: 'noop-1k-1c', name: 'no-op 1 KB, 1 connection', path: '/1k', conns: 1 },
  { id: 'noop-64k-64c', name: 'no-op 64 KB, 64 connections', path: '/64k', conns: 64 },
  { id: 'post-16k-64c', name: 'POST 16 KB JSON, 64 connections', path: '/echo', conns: 64, script: join(dir, 'post16k.lua') },
  // The floor buffers whole bodies: no stream to measure.
  { id: 'sse-64c', name: 'SSE stream (5 events), 64 connections', path: '/sse', conns: 64, only: ['direct', 'nginx', 'haproxy', 'caddy', 'fastify', 'http-proxy', 'hgw', 'hgw-node-http'] },
  // hgw's own features: no other peer merges or validates tokens.
  { id: 'merge-3-64c', name: 'merge of 3 backends, 64 connections', path: '/merge', directPath: '/a', conns: 64, only: ['direct', 'hgw', 'hgw-node-http'] },
  {
    id: 'auth-1k-64c',
    name: 'auth/validator (RS256, cached keys) + no-op 1 KB, 64 connections',
    path: '/auth/1k',
    directPath: '/1k',
    conns: 64,
    headers: [`Authorization: Bearer ${token}`],
    only: ['direct', 'hgw', 'hgw-node-http'],
  },
].filter((s) => !process.env.SCENARIOS || process.env.SCENARIOS.split(',').includes(s.id));

const result = { node: process.version, rounds, seconds, peers: Object.keys(peers), skipped, fastPath: hasFastPath, throughput: [], fixedRate: null, scaling: null, leak: null, targets: [] };
let md = `# hgw benchmark suite\n\nNode ${process.version}, ${rounds} rounds × ${seconds} s, medians (min–max over the rounds). Proxy pinned to CPU 0; the load generator and the backend share CPU 1. Node proxies run with \`${NODE_FLAGS.join(' ')}\`.\n`;
md += `\n"CPU wait" is the time the proxy's threads (and the backend's) were runnable but had no CPU, as a percent of the run (/proc schedstat): about 0 on a quiet machine. Where it is large, other programs took the CPU and the latency tails are theirs, not the proxy's.\n`;
md += `\nPeers: ${Object.keys(peers).join(', ')}.${skipped.length ? ` Skipped: ${skipped.join('; ')}.` : ''}\n\n${pathNote}\n`;

/**
 * One load run against a peer with its CPU ticks and RSS around it, and how long the
 * proxy's and the backend's threads waited for a CPU (percent of the run): the share of
 * a latency tail that other programs on the machine caused.
 */
async function measured(peer, load) {
  const before = cpuTicks(peer.pids());
  const waited = { proxy: cpuWaitMs(peer.pids()), backend: cpuWaitMs(backend.pids()) };
  const startedAt = performance.now();
  const run = await load();
  const wallMs = performance.now() - startedAt;
  const after = cpuTicks(peer.pids());
  const perRequest = (ticks) => (run.requests > 0 ? ((ticks / CLK_TCK) * 1e6) / run.requests : NaN);
  const userUs = perRequest(after.user - before.user);
  const sysUs = perRequest(after.sys - before.sys);
  const proxyWaitPct = ((cpuWaitMs(peer.pids()) - waited.proxy) / wallMs) * 100;
  const backendWaitPct = ((cpuWaitMs(backend.pids()) - waited.backend) / wallMs) * 100;
  return { ...run, cpuUsPerReq: userUs + sysUs, userUs, sysUs, rssMb: rssMb(peer.pids()), proxyWaitPct, backendWaitPct };
}

/** hgw over every other peer of one scenario's runs: req/s, CPU per request and p99, each with its per-round range. */
function hgwOver(runs) {
  const vs = {};
  if (!runs.hgw) return vs;
  for (const [name, rs] of Object.entries(runs)) {
    if (name === 'hgw') continue;
    vs[name] = { rps: ratioRange(runs.hgw, rs, (x) => x.rps), cpu: ratioRange(runs.hgw, rs, (x) => x.cpuUsPerReq), p99: ratioRange(runs.hgw, rs, (x) => x.p99ms) };
  }
  return vs;
}

// ── throughput ────────────────────────────────────────────────────────────────
const rowsOf = {};
if (phases.has('throughput')) {
  const runs = {};
  for (let r = 0; r < rounds; r++) {
    for (const s of scenarios) {
      for (const [name, peer] of Object.entries(peers)) {
        if (!runsOn(s, name)) continue;
        const path = name === 'direct' ? (s.directPath ?? s.path) : s.path;
        const run = await measured(peer, () => wrk(`http://127.0.0.1:${peer.port}${path}`, { cpu: LOAD_CPU, conns: s.conns, seconds, script: s.script, headers: s.headers }));
        if (name === 'direct') run.cpuUsPerReq = run.userUs = run.sysUs = run.proxyWaitPct = NaN; // the backend's own CPU is not a proxy's
        ((runs[s.id] ??= {})[name] ??= []).push(run);
        process.stderr.write(`round ${r + 1}/${rounds} ${s.id} ${name}: ${Math.round(run.rps)} req/s, p99 ${run.p99ms.toFixed(2)} ms, waited for a CPU: proxy ${run.proxyWaitPct.toFixed(0)} %, backend ${run.backendWaitPct.toFixed(0)} %\n`);
      }
    }
  }
  for (const s of scenarios) {
    const rows = Object.fromEntries(Object.entries(runs[s.id] ?? {}).map(([n, rs]) => [n, summarise(rs)]));
    rowsOf[s.id] = rows;
    const vs = hgwOver(runs[s.id] ?? {});
    md += `\n## ${s.name}\n\n${throughputTable(rows)}\n${Object.keys(vs).length ? `${ratiosTable(vs)}\n` : ''}`;
    if (s.id === 'auth-1k-64c' && rowsOf['noop-1k-64c']?.hgw && rows.hgw) md += `hgw with auth / hgw no-op 1 KB: ${ratioText(rows.hgw.rps / rowsOf['noop-1k-64c'].hgw.rps)}\n`;
    result.throughput.push({ scenario: s.id, name: s.name, rows, vs });
  }
}

// ── fixed rate: every peer at 80 % of nginx's maximum (issue 16's rate) ─────────────
if (phases.has('fixed-rate')) {
  const base = peers.nginx ? 'nginx' : 'hgw';
  const max = rowsOf['noop-1k-64c']?.[base]?.rps ?? (await wrk(`http://127.0.0.1:${peers[base].port}/1k`, { cpu: LOAD_CPU, conns: 64, seconds })).rps;
  const rate = Math.round(max * 0.8);
  const runs = {};
  for (let r = 0; r < rounds; r++) {
    for (const [name, peer] of Object.entries(peers)) {
      const run = await measured(peer, () => fixedRate(`http://127.0.0.1:${peer.port}/1k`, { cpu: LOAD_CPU, rate, conns: 64, seconds: seconds * 2 }));
      if (name === 'direct') run.proxyWaitPct = NaN;
      (runs[name] ??= []).push(run);
      process.stderr.write(`round ${r + 1}/${rounds} fixed-rate ${rate}/s ${name}: p99 ${run.p99ms.toFixed(2)} ms, ${Math.round(run.rps)} req/s answered\n`);
    }
  }
  const rows = {};
  for (const [name, rs] of Object.entries(runs)) {
    const p99 = rs.map((x) => x.p99ms);
    rows[name] = { rate, rps: median(rs.map((x) => x.rps)), p50ms: median(rs.map((x) => x.p50ms)), p99ms: median(p99), p99min: Math.min(...p99), p99max: Math.max(...p99), p999ms: median(rs.map((x) => x.p999ms)), behind: median(rs.map((x) => x.behind)), proxyWaitPct: median(rs.map((x) => x.proxyWaitPct)), backendWaitPct: median(rs.map((x) => x.backendWaitPct)), errors: rs.reduce((n, x) => n + x.errors, 0) };
  }
  const p99VsNginx = runs.hgw && runs.nginx ? ratioRange(runs.hgw, runs.nginx, (x) => x.p99ms) : null;
  md += `\n## Latency at a fixed rate: ${rate} req/s (80 % of ${base}'s maximum), no-op 1 KB, 64 connections, ${seconds * 2} s\n\n`;
  md += 'Open loop (bench/lib/fixed-rate.mjs): a request that waits for a free connection counts from when it was due. A peer slower than the rate falls behind and its latency grows with the queue.\n\n';
  md += `${fixedRateTable(rows)}\n${p99VsNginx ? `hgw p99 / nginx p99: ${rangeText(p99VsNginx)}\n` : ''}`;
  result.fixedRate = { rate, of: base, rows, p99VsNginx };
}

// ── scaling: 1 → 2 workers ──────────────────────────────────────────────────────
if (phases.has('scaling')) {
  for (const p of Object.values(peers)) if (p !== backend) await p.stop();
  const variants = { '1 worker': [], '2 workers': ['-w', '2'] };
  const runs = {};
  for (let r = 0; r < rounds; r++) {
    for (const [name, args] of Object.entries(variants)) {
      const gw = await startHgw(null, args);
      await wrk(`http://127.0.0.1:${gw.port}/1k`, { cpu: null, conns: 64, seconds: 2 }); // every worker warm
      const run = await measured(gw, () => wrk(`http://127.0.0.1:${gw.port}/1k`, { cpu: null, conns: 64, seconds }));
      await gw.stop();
      (runs[name] ??= []).push(run);
      process.stderr.write(`round ${r + 1}/${rounds} scaling ${name}: ${Math.round(run.rps)} req/s\n`);
    }
  }
  const rows = Object.fromEntries(Object.entries(runs).map(([n, rs]) => [n, summarise(rs)]));
  const scaling = rows['2 workers'].rps / rows['1 worker'].rps;
  md += `\n## Workers: 1 → 2 (no-op 1 KB, 64 connections, nothing pinned)\n\nOn this 2-core machine wrk and the backend share the cores with the workers, so the second worker competes with them for CPU.\n\n${throughputTable(rows)}\n2 workers / 1 worker: ${ratioText(scaling)}\n`;
  result.scaling = { rows, scaling };
}

// ── leak check: a fresh hgw under load, RSS every second, live heap after each full GC ──
// RSS saws up and down with V8's old generation (it grows until a mark-compact), so a leak
// shows in what survives the full collections (--trace-gc), not in RSS at one moment.
if (phases.has('leak')) {
  const gw = await startHgw(PROXY_CPU, [], ['--trace-gc']);
  const samples = [];
  const timer = setInterval(() => samples.push(rssMb(gw.pids())), 1000);
  const run = await wrk(`http://127.0.0.1:${gw.port}/1k`, { cpu: LOAD_CPU, conns: 64, seconds: leakSeconds });
  clearInterval(timer);
  await gw.stop();
  const fullGcs = [...gw.output().matchAll(/(\d+) ms: Mark-Compact [\d.]+ \([\d.]+\) -> ([\d.]+) \(/g)].map((m) => ({ atS: Number(m[1]) / 1000, liveMb: Number(m[2]) }));
  const afterWarmUp = fullGcs.filter((g) => g.atS > 10);
  const liveGrowth = afterWarmUp.length >= 2 ? afterWarmUp[afterWarmUp.length - 1].liveMb - afterWarmUp[0].liveMb : NaN;
  const maxMb = Math.max(...samples);
  md += `\n## Memory under sustained load: fresh hgw, no-op 1 KB, 64 connections, ${leakSeconds} s\n\n`;
  md += `${Math.round(run.rps)} req/s, ${run.errors} errors. RSS (MB) every 5 s: ${samples.filter((_, i) => i % 5 === 4).map((x) => x.toFixed(0)).join(', ')}; max ${maxMb.toFixed(0)} MB.\n`;
  md += `Live heap after each full GC (--trace-gc, at seconds since start): ${fullGcs.map((g) => `${g.liveMb.toFixed(1)} MB at ${g.atS.toFixed(0)} s`).join(', ') || 'none'}.\n`;
  md += Number.isFinite(liveGrowth) ? `Change in live heap between the first and last full GC after warm-up: ${liveGrowth >= 0 ? '+' : ''}${liveGrowth.toFixed(1)} MB.\n` : 'Fewer than two full GCs after warm-up: run longer (LEAK_SECONDS) to judge growth.\n';
  result.leak = { seconds: leakSeconds, rps: run.rps, samples, maxMb, fullGcs, liveGrowth };
}

// ── targets ─────────────────────────────────────────────────────────────────────
result.targets = issueTargets(result);
md += `\n## Targets\n\n${targetsTable(result.targets)}`;

console.log(md);
writeResult('suite.json', result);
writeFileSync(join(root, 'bench/results/suite.md'), md);
process.exit(0);
