// The same endpoint reached over ZAP and over HTTP keep-alive, in one run:
// client → hgw A → (ZAP | HTTP) → hgw B → backend. wrk, 1 thread, 32 connections,
// interleaved rounds, medians. Needs wrk (Debian package `wrk`).
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const rounds = Number(process.env.ROUNDS ?? 3);
const seconds = Number(process.env.SECONDS ?? 5);
if (spawnSync('wrk', ['--version']).error) {
  console.error('wrk is not installed: apt-get install -y wrk');
  process.exit(1);
}
const listen = (handler) => new Promise((resolve) => { const s = createServer(handler); s.listen(0, '127.0.0.1', () => resolve(s)); });
const body = JSON.stringify({ hello: 'x'.repeat(1000) });
const backend = await listen((req, res) => { req.resume(); res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }).end(body); });
const dir = mkdtempSync(join(tmpdir(), 'hgw-zap-bench-'));

function buildAndStart(name, config, env = {}) {
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(config));
  const built = spawnSync(process.execPath, [join(root, 'bin/hgw.mjs'), 'build', join(dir, `${name}.json`), '--out', join(dir, name), '-q'], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(built.stderr);
  const child = spawn(process.execPath, [join(dir, name, 'gateway.mjs'), '-p', '0'], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  return new Promise((resolve) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      const http = out.match(/listening on port (\d+)/);
      const zap = out.match(/listening on [^:\s]*:(\d+)\n/);
      if (http && (!env.HGW_ZAP_NODE_LISTEN || zap)) resolve({ child, port: Number(http[1]), zapPort: zap ? Number(zap[1]) : 0 });
    });
  });
}

const quiet = { router: { disable_access_log: true } };
const b = await buildAndStart('b', {
  version: 3,
  extra_config: { ...quiet, 'github.com/hanzoai/gateway/zap-listener': { node_id: 'b' } },
  endpoints: [{ endpoint: '/item', output_encoding: 'no-op', backend: [{ url_pattern: '/', host: [`http://127.0.0.1:${backend.address().port}`] }] }],
}, { HGW_ZAP_NODE_LISTEN: '127.0.0.1:0' });
const bHost = `http://127.0.0.1:${b.port}`;
const a = await buildAndStart('a', {
  version: 3,
  extra_config: quiet,
  endpoints: [
    { endpoint: '/http', output_encoding: 'no-op', backend: [{ url_pattern: '/item', host: [bHost] }] },
    { endpoint: '/zap', output_encoding: 'no-op', backend: [{ url_pattern: '/item', host: [bHost], extra_config: { 'github.com/hanzoai/gateway/zap': { node_id: 'a', peer_id: 'b', peer_addr: `127.0.0.1:${b.zapPort}`, no_discovery: true, timeout_ms: 5000 } } }] },
  ],
});

async function wrk(path) {
  const out = await new Promise((resolve) => {
    let text = '';
    const child = spawn('wrk', ['-t1', '-c32', `-d${seconds}s`, '--latency', `http://127.0.0.1:${a.port}${path}`]);
    child.stdout.on('data', (c) => (text += c));
    child.on('close', () => resolve(text));
  });
  const p99 = /99%\s+([\d.]+)(us|ms|s)/.exec(out);
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0),
    p99ms: p99 ? Number(p99[1]) * (p99[2] === 'us' ? 0.001 : p99[2] === 's' ? 1000 : 1) : NaN,
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0),
  };
}

await wrk('/zap');
await wrk('/http');
const http = [];
const zap = [];
for (let i = 0; i < rounds; i++) {
  http.push(await wrk('/http'));
  zap.push(await wrk('/zap'));
}
a.child.kill('SIGKILL');
b.child.kill('SIGKILL');
backend.close();
rmSync(dir, { recursive: true, force: true });
const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const row = (name, rs) => ({ name, rps: Math.round(median(rs.map((r) => r.rps))), min: Math.round(Math.min(...rs.map((r) => r.rps))), max: Math.round(Math.max(...rs.map((r) => r.rps))), p99ms: median(rs.map((r) => r.p99ms)), non2xx: rs.reduce((n, r) => n + r.non2xx, 0) });
const rows = [row('A → HTTP keep-alive → B', http), row('A → ZAP → B', zap)];
console.log(`ZAP vs HTTP between two hgw gateways — Node ${process.version}, 1 KB JSON, wrk -t1 -c32, ${rounds} rounds × ${seconds}s, medians`);
console.log('| path | req/s (min–max) | p99 | non-2xx |');
console.log('|---|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.name} | ${r.rps} (${r.min}–${r.max}) | ${r.p99ms.toFixed(2)} ms | ${r.non2xx} |`);
console.log(`\nratio ZAP/HTTP: ${(rows[1].rps / rows[0].rps).toFixed(2)}`);
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(join(root, 'bench/results/zap-vs-http.json'), `${JSON.stringify({ node: process.version, rounds, seconds, rows }, null, 2)}\n`);
