// `npm run bench`: hgw against the proxies a user would pick, in one run on this machine.
// Peers: the backend directly (the ceiling), nginx proxy_pass with upstream keep-alive,
// fastify + @fastify/reply-from, node-http-proxy, a bare node:http + undici proxy (the
// floor of what any Node proxy costs here), and an hgw bundle. Phases:
//   throughput  scenarios in interleaved rounds: req/s, p50/p99, proxy CPU µs/request, RSS
//   fixed-rate  every peer at the same open-loop rate, 80 % of hgw's maximum: p50/p99/p99.9
//   scaling     the hgw bundle with 1 and with 2 node:cluster workers, nothing pinned
//   leak        a fresh hgw under load for LEAK_SECONDS (90): RSS every second, live heap after each full GC
// The proxy under test is pinned to CPU 0; the load generator and the backend share CPU 1.
// Needs wrk and nginx (Debian packages; installed when missing and root).
// ROUNDS (3), SECONDS (5), SCENARIOS (ids), PHASES (names), LEAK_SECONDS (90) vary the run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { root, writeResult } from './lib/harness.mjs';
import { CLK_TCK, cpuTicks, freePort, requireTools, rssMb, start, startNginx } from './lib/processes.mjs';
import { fixedRate, wrk } from './lib/load.mjs';
import { fixedRateTable, median, ratioText, summarise, targetsTable, throughputTable } from './lib/report.mjs';

const rounds = Number(process.env.ROUNDS ?? 3);
const seconds = Number(process.env.SECONDS ?? 5);
const leakSeconds = Number(process.env.LEAK_SECONDS ?? 90);
const phases = new Set((process.env.PHASES ?? 'throughput,fixed-rate,scaling,leak').split(','));
requireTools([
  ['wrk', 'wrk', '--version'],
  ['nginx', 'nginx', '-v'],
]);
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
// Every Node proxy runs as the README recommends running hgw: young generation capped at 4 MB semi-spaces.
const NODE_FLAGS = ['--max-semi-space-size=4'];
const startNode = (cpu, script, args = [], env = {}, flags = []) => start(cpu, process.execPath, [...NODE_FLAGS, ...flags, script, ...args], env, { keepOutput: flags.length > 0 });
const startHgw = (cpu, args = [], flags = []) => startNode(cpu, bundle, ['-p', '0', ...args], {}, flags);

// nginx: one worker, upstream keep-alive, no access log; SSE unbuffered, as one would configure it.
const nginxPort = await freePort();
writeFileSync(
  join(dir, 'nginx.conf'),
  `worker_processes 1; daemon off; pid ${dir}/nginx.pid; error_log ${dir}/nginx-error.log;
events { worker_connections 4096; }
http { access_log off; upstream be { server 127.0.0.1:${backend.port}; keepalive 128; keepalive_requests 1000000; }
  client_body_buffer_size 64k;
  keepalive_requests 1000000;
  server { listen 127.0.0.1:${nginxPort};
    location / { proxy_pass http://be; proxy_http_version 1.1; proxy_set_header Connection ""; }
    location /sse { proxy_pass http://be; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_buffering off; } } }
`,
);

const peers = {
  direct: backend,
  nginx: await startNginx(PROXY_CPU, dir, join(dir, 'nginx.conf'), nginxPort),
  'fastify + reply-from': await startNode(PROXY_CPU, join(root, 'bench/peers/fastify-proxy.mjs'), [], { UPSTREAM: upstream }),
  'node-http-proxy': await startNode(PROXY_CPU, join(root, 'bench/peers/http-proxy.mjs'), [], { UPSTREAM: upstream }),
  'node:http + undici (floor)': await startNode(PROXY_CPU, join(root, 'bench/peers/lean-undici.mjs'), [], { UPSTREAM: upstream }),
  hgw: await startHgw(PROXY_CPU),
};
const FLOOR = 'node:http + undici (floor)';

writeFileSync(join(dir, 'post16k.lua'), `wrk.method = "POST"\nwrk.body = string.rep("x", 16384)\nwrk.headers["Content-Type"] = "application/json"\n`);
const scenarios = [
  { id: 'noop-1k-64c', name: 'no-op 1 KB, 64 connections', path: '/1k', conns: 64 },
  { id: 'noop-1k-1c', name: 'no-op 1 KB, 1 connection', path: '/1k', conns: 1 },
  { id: 'noop-64k-64c', name: 'no-op 64 KB, 64 connections', path: '/64k', conns: 64 },
  { id: 'post-16k-64c', name: 'POST 16 KB JSON, 64 connections', path: '/echo', conns: 64, script: join(dir, 'post16k.lua') },
  { id: 'sse-64c', name: 'SSE stream (5 events), 64 connections', path: '/sse', conns: 64, only: ['direct', 'nginx', 'fastify + reply-from', 'node-http-proxy', 'hgw'] },
  { id: 'merge-3-64c', name: 'merge of 3 backends, 64 connections', path: '/merge', directPath: '/a', conns: 64, only: ['direct', 'hgw'] },
  {
    id: 'auth-1k-64c',
    name: 'auth/validator (RS256, cached keys) + no-op 1 KB, 64 connections',
    path: '/auth/1k',
    directPath: '/1k',
    conns: 64,
    headers: [`Authorization: Bearer ${token}`],
    only: ['direct', 'hgw'],
  },
].filter((s) => !process.env.SCENARIOS || process.env.SCENARIOS.split(',').includes(s.id));

const result = { node: process.version, rounds, seconds, throughput: [], fixedRate: null, scaling: null, leak: null, targets: [] };
let md = `# hgw benchmark suite\n\nNode ${process.version}, ${rounds} rounds × ${seconds} s, medians (min–max). Proxy pinned to CPU 0; the load generator and the backend share CPU 1. Node proxies run with \`${NODE_FLAGS.join(' ')}\`.\n`;

/** One load run against a peer with its CPU ticks and RSS around it. */
async function measured(peer, load) {
  const before = cpuTicks(peer.pids());
  const run = await load();
  const after = cpuTicks(peer.pids());
  const perRequest = (ticks) => (run.requests > 0 ? ((ticks / CLK_TCK) * 1e6) / run.requests : NaN);
  const userUs = perRequest(after.user - before.user);
  const sysUs = perRequest(after.sys - before.sys);
  return { ...run, cpuUsPerReq: userUs + sysUs, userUs, sysUs, rssMb: rssMb(peer.pids()) };
}

// ── throughput ────────────────────────────────────────────────────────────────
const rowsOf = {};
if (phases.has('throughput')) {
  const runs = {};
  for (let r = 0; r < rounds; r++) {
    for (const s of scenarios) {
      for (const [name, peer] of Object.entries(peers)) {
        if (s.only && !s.only.includes(name)) continue;
        const path = name === 'direct' ? (s.directPath ?? s.path) : s.path;
        const run = await measured(peer, () => wrk(`http://127.0.0.1:${peer.port}${path}`, { cpu: LOAD_CPU, conns: s.conns, seconds, script: s.script, headers: s.headers }));
        if (name === 'direct') run.cpuUsPerReq = run.userUs = run.sysUs = NaN; // the backend's own CPU is not a proxy's
        ((runs[s.id] ??= {})[name] ??= []).push(run);
        process.stderr.write(`round ${r + 1}/${rounds} ${s.id} ${name}: ${Math.round(run.rps)} req/s\n`);
      }
    }
  }
  for (const s of scenarios) {
    const rows = Object.fromEntries(Object.entries(runs[s.id] ?? {}).map(([n, rs]) => [n, summarise(rs)]));
    rowsOf[s.id] = rows;
    const of = (peer, f = (x) => x.rps) => (rows.hgw && rows[peer] ? f(rows.hgw) / f(rows[peer]) : NaN);
    const ratios = { direct: of('direct'), nginx: of('nginx'), fastify: of('fastify + reply-from'), httpProxy: of('node-http-proxy'), floor: of(FLOOR), cpuVsNginx: of('nginx', (x) => x.cpuUsPerReq) };
    md += `\n## ${s.name}\n\n${throughputTable(rows)}\n`;
    md += `hgw/direct ${ratioText(ratios.direct)} · hgw/nginx ${ratioText(ratios.nginx)} · hgw/fastify ${ratioText(ratios.fastify)} · hgw/http-proxy ${ratioText(ratios.httpProxy)} · hgw/floor ${ratioText(ratios.floor)} · hgw CPU per request / nginx's ${ratioText(ratios.cpuVsNginx)}\n`;
    if (s.id === 'auth-1k-64c' && rowsOf['noop-1k-64c']?.hgw) md += `\nhgw with auth / hgw no-op 1 KB: ${ratioText(rows.hgw.rps / rowsOf['noop-1k-64c'].hgw.rps)}\n`;
    result.throughput.push({ scenario: s.id, name: s.name, rows, ratios });
  }
}

// ── fixed rate: every peer at 80 % of hgw's maximum ─────────────────────────────
if (phases.has('fixed-rate')) {
  const hgwMax = rowsOf['noop-1k-64c']?.hgw?.rps ?? (await wrk(`http://127.0.0.1:${peers.hgw.port}/1k`, { cpu: LOAD_CPU, conns: 64, seconds })).rps;
  const rate = Math.round(hgwMax * 0.8);
  const runs = {};
  for (let r = 0; r < rounds; r++) {
    for (const [name, peer] of Object.entries(peers)) {
      const run = await fixedRate(`http://127.0.0.1:${peer.port}/1k`, { cpu: LOAD_CPU, rate, conns: 64, seconds: seconds * 2 });
      (runs[name] ??= []).push(run);
      process.stderr.write(`round ${r + 1}/${rounds} fixed-rate ${rate}/s ${name}: p99 ${run.p99ms.toFixed(2)} ms, ${Math.round(run.rps)} req/s answered\n`);
    }
  }
  const rows = {};
  for (const [name, rs] of Object.entries(runs)) {
    rows[name] = { rate, rps: median(rs.map((x) => x.rps)), p50ms: median(rs.map((x) => x.p50ms)), p99ms: median(rs.map((x) => x.p99ms)), p999ms: median(rs.map((x) => x.p999ms)), behind: median(rs.map((x) => x.behind)), errors: rs.reduce((n, x) => n + x.errors, 0) };
  }
  const p99VsNginx = rows.hgw.p99ms / rows.nginx.p99ms;
  md += `\n## Latency at a fixed rate: ${rate} req/s (80 % of hgw's maximum), no-op 1 KB, 64 connections, ${seconds * 2} s\n\n`;
  md += 'Open loop (bench/lib/fixed-rate.mjs): a request that waits for a free connection counts from when it was due. A peer slower than the rate falls behind and its latency grows with the queue.\n\n';
  md += `${fixedRateTable(rows)}\nhgw p99 / nginx p99: ${ratioText(p99VsNginx)}\n`;
  result.fixedRate = { rate, rows, p99VsNginx };
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
const t = result.throughput.find((x) => x.scenario === 'noop-1k-64c');
const m = result.throughput.find((x) => x.scenario === 'merge-3-64c');
const target = (name, wanted, value, ok, fmt = ratioText) => result.targets.push({ name, wanted, measured: Number.isFinite(value) ? fmt(value) : '—', met: Number.isFinite(value) ? ok(value) : null });
target('no-op 1 KB, 64 conns: hgw / direct', '≥ 0.62', t?.ratios.direct, (x) => x >= 0.62);
target('no-op 1 KB, 64 conns: hgw / fastify + reply-from', '≥ 1.4', t?.ratios.fastify, (x) => x >= 1.4);
target('no-op 1 KB, 64 conns: hgw / node-http-proxy', '≥ 1.6', t?.ratios.httpProxy, (x) => x >= 1.6);
target('no-op 1 KB, 64 conns: CPU per request / nginx', '≤ 1.8', t?.ratios.cpuVsNginx, (x) => x <= 1.8);
target('merge of 3 backends: hgw / direct', '≥ 0.25', m?.ratios.direct, (x) => x >= 0.25);
target('p99 at 80 % load / nginx p99', '≤ 1.5', result.fixedRate?.p99VsNginx, (x) => x <= 1.5);
const rssMax = Math.max(...result.throughput.map((x) => x.rows.hgw?.rssMb ?? 0), result.leak?.maxMb ?? 0);
target('RSS under load, per worker (MB)', '≤ 120', rssMax > 0 ? rssMax : NaN, (x) => x <= 120, (x) => x.toFixed(0));
target(`live heap growth between full GCs over ${leakSeconds} s (MB)`, 'no growth (≤ 1)', result.leak?.liveGrowth, (x) => x <= 1, (x) => `${x >= 0 ? '+' : ''}${x.toFixed(1)}`);
md += `\n## Targets\n\n${targetsTable(result.targets)}`;

console.log(md);
writeResult('suite.json', result);
writeFileSync(join(root, 'bench/results/suite.md'), md);
process.exit(0);
