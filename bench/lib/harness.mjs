// Shared pieces of the side-by-side benchmarks: build a config into a bundle and
// start it, run wrk without blocking this process (backends may live here), and
// summarise rounds as medians with min–max.
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function requireWrk() {
  if (spawnSync('wrk', ['--version']).error) {
    console.error('wrk is not installed: apt-get install -y wrk');
    process.exit(1);
  }
}

export function listen(handler) {
  return new Promise((resolve) => {
    const s = createServer(handler);
    s.listen(0, '127.0.0.1', () => resolve(s));
  });
}

/**
 * hgw build <config> into dir/name, then start the bundle on a free port; resolves when it listens (and its ZAP node, when asked).
 * `hgw`: the CLI to build with (another checkout's bin/hgw.mjs, to measure a baseline); default this one.
 */
export function buildAndStart(dir, name, config, env = {}, { hgw = join(root, 'bin/hgw.mjs') } = {}) {
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(config));
  const built = spawnSync(process.execPath, [hgw, 'build', join(dir, `${name}.json`), '--out', join(dir, name), '-q', '--profile', 'krakend'], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(built.stderr);
  const child = spawn(process.execPath, [join(dir, name, 'gateway.mjs'), '-p', '0'], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  return new Promise((resolve) => {
    let out = '';
    const onData = (c) => {
      out += c;
      const http = out.match(/listening on port (\d+)/);
      const zap = out.match(/node \S+ listening on [^:\s]*:(\d+)/);
      if (!http || (env.HGW_ZAP_NODE_LISTEN && !zap)) return;
      // Up: keep reading its output (a full pipe would stall it) but keep nothing — access logs under load are large.
      child.stdout.off('data', onData);
      child.stdout.resume();
      resolve({ child, port: Number(http[1]), zapPort: zap ? Number(zap[1]) : 0 });
    };
    child.stdout.on('data', onData);
  });
}

/** wrk -t1 -c<connections> for `seconds` against url; req/s, p99 (ms) and non-2xx count. */
export async function wrk(url, { seconds, connections = 32, headers = [] }) {
  const out = await new Promise((resolve) => {
    let text = '';
    const child = spawn('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', ...headers.flatMap((h) => ['-H', h]), url]);
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

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** One table row from several rounds of one path. */
export function summarise(name, runs) {
  return {
    name,
    rps: Math.round(median(runs.map((r) => r.rps))),
    min: Math.round(Math.min(...runs.map((r) => r.rps))),
    max: Math.round(Math.max(...runs.map((r) => r.rps))),
    p99ms: median(runs.map((r) => r.p99ms)),
    non2xx: runs.reduce((n, r) => n + r.non2xx, 0),
  };
}

export function printTable(title, rows) {
  console.log(title);
  console.log('| path | req/s (min–max) | p99 | non-2xx |');
  console.log('|---|---:|---:|---:|');
  for (const r of rows) console.log(`| ${r.name} | ${r.rps} (${r.min}–${r.max}) | ${r.p99ms.toFixed(2)} ms | ${r.non2xx} |`);
}

export function writeResult(file, value) {
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(join(root, 'bench/results', file), `${JSON.stringify({ node: process.version, ...value }, null, 2)}\n`);
}
