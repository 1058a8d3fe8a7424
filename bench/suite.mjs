// `npm run bench`: hgw against the proxies a user would pick, in one run on this machine.
// Peers: the backend directly (the ceiling), nginx proxy_pass with upstream keep-alive,
// fastify + @fastify/reply-from, node-http-proxy, and an hgw bundle. Scenarios run in
// interleaved rounds; each reports req/s, p50/p99, the proxy's CPU µs per request and
// RSS, and the ratios hgw/direct, hgw/nginx, hgw/fastify — medians over rounds.
// The proxy under test is pinned to CPU 0; wrk and the backend share CPU 1 (taskset).
// Needs wrk and nginx (Debian packages; installed when missing and root).
// ROUNDS (default 3), SECONDS (default 5), SCENARIOS (comma list of ids) vary the run.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, writeResult } from './lib/harness.mjs';

const rounds = Number(process.env.ROUNDS ?? 3);
const seconds = Number(process.env.SECONDS ?? 5);
const has = (cmd, arg = '-v') => !spawnSync(cmd, [arg]).error;
for (const [cmd, pkg, arg] of [['wrk', 'wrk', '--version'], ['nginx', 'nginx', '-v']]) {
  if (has(cmd, arg)) continue;
  if (process.getuid?.() !== 0) {
    console.error(`${cmd} is missing: apt-get install -y ${pkg}`);
    process.exit(1);
  }
  spawnSync('apt-get', ['install', '-y', '-qq', pkg], { stdio: 'inherit' });
}
const pin = has('taskset', '-V') ? (cpu) => ['taskset', '-c', String(cpu)] : () => [];
const dir = mkdtempSync(join(tmpdir(), 'hgw-suite-'));
const children = [];
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function start(cpu, cmd, args, env = {}) {
  const [bin, ...pre] = [...pin(cpu), cmd];
  const child = spawn(bin, [...pre, ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      const m = out.match(/listening on port (\d+)/);
      if (m) resolve({ child, port: Number(m[1]), pids: () => [child.pid] });
    });
    child.once('exit', (code) => reject(new Error(`${cmd} exited ${code}: ${out}`)));
  });
}

const backend = await start(1, process.execPath, [join(root, 'bench/peers/backend.mjs')]);
const upstream = `http://127.0.0.1:${backend.port}`;

// hgw: a bundle built from a config with the suite's endpoints.
const config = {
  version: 3,
  extra_config: { router: { disable_access_log: true } },
  endpoints: [
    ...['/1k', '/64k'].map((p) => ({ endpoint: p, output_encoding: 'no-op', input_headers: ['*'], backend: [{ url_pattern: p, host: [upstream] }] })),
    { endpoint: '/echo', method: 'POST', output_encoding: 'no-op', input_headers: ['*'], backend: [{ url_pattern: '/echo', host: [upstream] }] },
    { endpoint: '/merge', backend: ['/a', '/b', '/c'].map((p) => ({ url_pattern: p, host: [upstream] })) },
  ],
};
writeFileSync(join(dir, 'gateway.json'), JSON.stringify(config));
const built = spawnSync(process.execPath, [join(root, 'bin/hgw.mjs'), 'build', join(dir, 'gateway.json'), '--out', join(dir, 'hgw'), '-q'], { encoding: 'utf8' });
if (built.status !== 0) throw new Error(built.stderr);

// nginx: one worker, upstream keep-alive, no access log.
const nginxPort = await freePort();
writeFileSync(join(dir, 'nginx.conf'), `worker_processes 1; daemon off; pid ${dir}/nginx.pid; error_log ${dir}/nginx-error.log;
events { worker_connections 4096; }
http { access_log off; upstream be { server 127.0.0.1:${backend.port}; keepalive 128; }
  client_body_buffer_size 64k;
  server { listen 127.0.0.1:${nginxPort}; location / { proxy_pass http://be; proxy_http_version 1.1; proxy_set_header Connection ""; } } }
`);
async function startNginx() {
  const [bin, ...pre] = [...pin(0), 'nginx'];
  const child = spawn(bin, [...pre, '-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: 'ignore' });
  children.push(child);
  for (let i = 0; i < 100; i++) {
    if (spawnSync('sh', ['-c', `exec 3<>/dev/tcp/127.0.0.1/${nginxPort}`]).status === 0) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const workers = () => spawnSync('pgrep', ['-P', String(child.pid)], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map(Number);
  return { child, port: nginxPort, pids: () => [child.pid, ...workers()] };
}

const peers = {
  direct: backend,
  nginx: await startNginx(),
  'fastify + reply-from': await start(0, process.execPath, [join(root, 'bench/peers/fastify-proxy.mjs')], { UPSTREAM: upstream }),
  'node-http-proxy': await start(0, process.execPath, [join(root, 'bench/peers/http-proxy.mjs')], { UPSTREAM: upstream }),
  hgw: await start(0, process.execPath, [join(dir, 'hgw/gateway.mjs'), '-p', '0']),
};

writeFileSync(join(dir, 'post16k.lua'), `wrk.method = "POST"\nwrk.body = string.rep("x", 16384)\nwrk.headers["Content-Type"] = "application/json"\n`);
const scenarios = [
  { id: 'noop-1k-64c', name: 'no-op 1 KB, 64 connections', path: '/1k', conns: 64 },
  { id: 'noop-1k-1c', name: 'no-op 1 KB, 1 connection', path: '/1k', conns: 1 },
  { id: 'noop-64k-64c', name: 'no-op 64 KB, 64 connections', path: '/64k', conns: 64 },
  { id: 'post-16k-64c', name: 'POST 16 KB JSON, 64 connections', path: '/echo', conns: 64, script: join(dir, 'post16k.lua') },
  { id: 'merge-3-64c', name: 'merge of 3 backends, 64 connections', path: '/merge', directPath: '/a', conns: 64, only: ['direct', 'hgw'] },
].filter((s) => !process.env.SCENARIOS || process.env.SCENARIOS.split(',').includes(s.id));

const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
function cpuTicks(pids) {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // process gone
    }
  }
  return ticks;
}
function rssMb(pids) {
  let kb = 0;
  for (const pid of pids) {
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // process gone
    }
  }
  return kb / 1024;
}

async function wrkRun(port, s, path) {
  const args = [...pin(1), 'wrk', '-t1', `-c${s.conns}`, `-d${seconds}s`, '--latency', ...(s.script ? ['-s', s.script] : []), `http://127.0.0.1:${port}${path}`];
  const [bin, ...rest] = args;
  return new Promise((resolve) => {
    let text = '';
    const child = spawn(bin, rest);
    child.stdout.on('data', (c) => (text += c));
    child.on('close', () => resolve(text));
  });
}
const ms = (m) => (m ? Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1) : NaN);

const results = {}; // scenario → peer → runs
for (let r = 0; r < rounds; r++) {
  for (const s of scenarios) {
    for (const [name, peer] of Object.entries(peers)) {
      if (s.only && !s.only.includes(name)) continue;
      const path = name === 'direct' ? (s.directPath ?? s.path) : s.path;
      const before = cpuTicks(peer.pids());
      const out = await wrkRun(peer.port, s, path);
      const after = cpuTicks(peer.pids());
      const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
      const run = {
        rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0),
        p50ms: ms(/50%\s+([\d.]+)(us|ms|s)/.exec(out)),
        p99ms: ms(/99%\s+([\d.]+)(us|ms|s)/.exec(out)),
        cpuUsPerReq: requests > 0 ? (((after - before) / CLK_TCK) * 1e6) / requests : NaN,
        rssMb: rssMb(peer.pids()),
        errors: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0) + Number(/Socket errors:.*?(\d+)/.exec(out)?.[1] ?? 0),
      };
      ((results[s.id] ??= {})[name] ??= []).push(run);
      process.stderr.write(`round ${r + 1}/${rounds} ${s.id} ${name}: ${Math.round(run.rps)} req/s\n`);
    }
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const table = [];
let md = `# hgw benchmark suite\n\nNode ${process.version}, ${rounds} rounds × ${seconds}s, medians (min–max). Proxy pinned to CPU 0, wrk and backend on CPU 1.\n`;
for (const s of scenarios) {
  md += `\n## ${s.name}\n\n| peer | req/s (min–max) | p50 | p99 | proxy CPU µs/req | RSS MB | errors |\n|---|---:|---:|---:|---:|---:|---:|\n`;
  const rows = {};
  for (const [name, runs] of Object.entries(results[s.id] ?? {})) {
    const row = {
      rps: median(runs.map((x) => x.rps)),
      min: Math.min(...runs.map((x) => x.rps)),
      max: Math.max(...runs.map((x) => x.rps)),
      p50ms: median(runs.map((x) => x.p50ms)),
      p99ms: median(runs.map((x) => x.p99ms)),
      cpuUsPerReq: name === 'direct' ? NaN : median(runs.map((x) => x.cpuUsPerReq)),
      rssMb: median(runs.map((x) => x.rssMb)),
      errors: runs.reduce((n, x) => n + x.errors, 0),
    };
    rows[name] = row;
    md += `| ${name} | ${Math.round(row.rps)} (${Math.round(row.min)}–${Math.round(row.max)}) | ${row.p50ms.toFixed(2)} ms | ${row.p99ms.toFixed(2)} ms | ${Number.isNaN(row.cpuUsPerReq) ? '—' : row.cpuUsPerReq.toFixed(1)} | ${row.rssMb.toFixed(0)} | ${row.errors} |\n`;
  }
  const hgw = rows.hgw;
  const ratio = (peer, f = (x) => x.rps) => (hgw && rows[peer] ? (f(hgw) / f(rows[peer])).toFixed(2) : '—');
  const ratios = { direct: ratio('direct'), nginx: ratio('nginx'), fastify: ratio('fastify + reply-from'), httpProxy: ratio('node-http-proxy'), cpuVsNginx: ratio('nginx', (x) => x.cpuUsPerReq) };
  md += `\nhgw/direct ${ratios.direct} · hgw/nginx ${ratios.nginx} · hgw/fastify ${ratios.fastify} · hgw/http-proxy ${ratios.httpProxy} · hgw CPU per request / nginx's ${ratios.cpuVsNginx}\n`;
  table.push({ scenario: s.id, name: s.name, rows, ratios });
}
console.log(md);
writeResult('suite.json', { rounds, seconds, table });
writeFileSync(join(root, 'bench/results/suite.md'), md);
process.exit(0);

async function freePort() {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}
