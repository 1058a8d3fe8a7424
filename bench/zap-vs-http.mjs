// The same service reached by hgw A through three backend kinds, side by side in one run:
// client → hgw A → (HTTP keep-alive | ZAP, envelope http: types 200/201 | ZAP, envelope forward: HIP-0110)
// → hgw B → backend. Measured per path: req/s (wrk) and the CPU time of the two gateway
// processes per request (utime + stime from /proc), which is what to decide on when the machine
// is shared — req/s moves with everyone else's load, CPU per request much less.
// Interleaved rounds, medians with min–max; ratios are ZAP over HTTP (≥ 1.0: ZAP is the cheaper
// or faster kind). Needs wrk. ROUNDS, SECONDS, CONNS tune it; HGW_BASELINE=<another hgw checkout,
// its CLI built> measures gateways built by it too, in the same interleaved rounds (a gain measured, not claimed).
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAndStart, listen, requireWrk, writeResult } from './lib/harness.mjs';
import { wrk } from './lib/load.mjs';
import { CLK_TCK, cpuTicks } from './lib/processes.mjs';
import { median } from './lib/report.mjs';

requireWrk();
const rounds = Number(process.env.ROUNDS ?? 5);
const seconds = Number(process.env.SECONDS ?? 5);
const conns = Number(process.env.CONNS ?? 32);
const body = JSON.stringify({ hello: 'x'.repeat(1000) });
const backend = await listen((req, res) => { req.resume(); res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }).end(body); });
const dir = mkdtempSync(join(tmpdir(), 'hgw-zap-bench-'));
const quiet = { router: { disable_access_log: true } };

/** Gateways A and B built by `hgw` (a CLI path; undefined: this checkout), named with `prefix`. */
async function pair(prefix, hgw) {
  const b = await buildAndStart(dir, `${prefix}b`, {
    version: 3,
    extra_config: { ...quiet, 'github.com/hanzoai/gateway/zap-listener': { node_id: 'b' } },
    endpoints: [{ endpoint: '/item', output_encoding: 'no-op', backend: [{ url_pattern: '/', host: [`http://127.0.0.1:${backend.address().port}`] }] }],
  }, { HGW_ZAP_NODE_LISTEN: '127.0.0.1:0' }, { hgw });
  const bHost = `http://127.0.0.1:${b.port}`;
  const zap = { node_id: 'a', peer_id: 'b', peer_addr: `127.0.0.1:${b.zapPort}`, no_discovery: true, timeout_ms: 5000 };
  const a = await buildAndStart(dir, `${prefix}a`, {
    version: 3,
    extra_config: quiet,
    endpoints: [
      { endpoint: '/http', output_encoding: 'no-op', backend: [{ url_pattern: '/item', host: [bHost] }] },
      { endpoint: '/zap-http', output_encoding: 'no-op', backend: [{ url_pattern: '/item', host: [bHost], extra_config: { 'github.com/hanzoai/gateway/zap': { ...zap, envelope: 'http' } } }] },
      { endpoint: '/zap-forward', output_encoding: 'no-op', backend: [{ url_pattern: '/item', host: [bHost], extra_config: { 'github.com/hanzoai/gateway/zap': { ...zap, envelope: 'forward' } } }] },
    ],
  }, {}, { hgw });
  return { a, b };
}

// HGW_BASELINE=<another hgw checkout> adds the same three paths between gateways built by it, interleaved with these.
const baseline = process.env.HGW_BASELINE;
const pairs = [['', await pair('', undefined)], ...(baseline ? [['baseline: ', await pair('base-', join(baseline, 'bin/hgw.mjs'))]] : [])];
const kinds = [['A → HTTP keep-alive → B', '/http'], ['A → ZAP, envelope http (types 200/201) → B', '/zap-http'], ['A → ZAP, envelope forward (HIP-0110) → B', '/zap-forward']];
const paths = pairs.flatMap(([label, gw]) => kinds.map(([name, path]) => [label + name, path, gw]));
const ticks = (pid) => {
  const t = cpuTicks([pid]);
  return t.user + t.sys;
};

/** One wrk run of `path` through pair `gw`, with the CPU each gateway spent during it. */
async function run(path, { a, b }) {
  const before = [ticks(a.child.pid), ticks(b.child.pid)];
  const load = loadavg()[0];
  const r = await wrk(`http://127.0.0.1:${a.port}${path}`, { cpu: null, conns, seconds });
  const usPerReq = (pid, i) => ((ticks(pid) - before[i]) / CLK_TCK) * 1e6 / Math.max(1, r.requests);
  return { rps: r.rps, p99ms: r.p99ms, errors: r.errors, cpuA: usPerReq(a.child.pid, 0), cpuB: usPerReq(b.child.pid, 1), load };
}

for (const [, path, gw] of paths) await wrk(`http://127.0.0.1:${gw.a.port}${path}`, { cpu: null, conns, seconds: 2 }); // warm-up: JIT, pools, ZAP connections
const runs = paths.map(() => []);
for (let i = 0; i < rounds; i++) {
  for (const [j, [, path, gw]] of paths.entries()) runs[j].push(await run(path, gw));
}
for (const [, { a, b }] of pairs) {
  a.child.kill('SIGKILL');
  b.child.kill('SIGKILL');
}
backend.close();
rmSync(dir, { recursive: true, force: true });

const spread = (xs, digits = 0) => `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)})`;
const rows = paths.map(([name], j) => {
  const rs = runs[j];
  return {
    name,
    rps: median(rs.map((r) => r.rps)),
    rpsText: spread(rs.map((r) => r.rps)),
    cpu: median(rs.map((r) => r.cpuA + r.cpuB)),
    cpuText: spread(rs.map((r) => r.cpuA + r.cpuB), 1),
    cpuAText: spread(rs.map((r) => r.cpuA), 1),
    cpuBText: spread(rs.map((r) => r.cpuB), 1),
    p99ms: median(rs.map((r) => r.p99ms)),
    errors: rs.reduce((n, r) => n + r.errors, 0),
  };
});
const loads = runs.flat().map((r) => r.load);
console.log(`HTTP vs ZAP between two hgw gateways — Node ${process.version}, 1 KB JSON, wrk -t1 -c${conns}, ${rounds} interleaved rounds × ${seconds}s, medians (min–max)`);
console.log(`conditions: load average ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} on ${CLK_TCK} Hz ticks; gateways unpinned`);
console.log('| path | req/s | CPU µs/req, A + B | A | B | p99 | errors |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.name} | ${r.rpsText} | ${r.cpuText} | ${r.cpuAText} | ${r.cpuBText} | ${r.p99ms.toFixed(2)} ms | ${r.errors} |`);
for (let p = 0; p < rows.length; p += kinds.length) {
  const http = rows[p];
  for (const r of rows.slice(p + 1, p + kinds.length)) {
    console.log(`${r.name}: req/s ${(r.rps / http.rps).toFixed(2)}× HTTP; CPU per request ${(http.cpu / r.cpu).toFixed(2)}× as efficient as HTTP (target ≥ 1.00)`);
  }
}
writeResult('zap-vs-http.json', { rounds, seconds, conns, baseline: baseline ?? null, loadavg: [Math.min(...loads), Math.max(...loads)], rows, runs: paths.map(([name], j) => ({ name, runs: runs[j] })) });
