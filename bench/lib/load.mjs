// Load runs of the suite: wrk for throughput (closed loop), and the open-loop
// fixed-rate generator for latency at a given rate. Both run pinned to a CPU
// and are parsed into { rps, p50ms, p99ms, requests, errors }.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pin } from './processes.mjs';
import { root } from './harness.mjs';

function collect(argv) {
  const [bin, ...rest] = argv;
  return new Promise((resolve) => {
    let text = '';
    const child = spawn(bin, rest, { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.on('data', (c) => (text += c));
    child.on('close', () => resolve(text));
  });
}

const ms = (m) => (m ? Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1) : NaN);

/** wrk -t<threads> -c<conns> -d<seconds>s --latency [-s script] [-H header…] url, on `cpu`. */
export async function wrk(url, { cpu, conns, seconds, threads = 1, script, headers = [] }) {
  const out = await collect([...pin(cpu), 'wrk', `-t${threads}`, `-c${conns}`, `-d${seconds}s`, '--latency', ...(script ? ['-s', script] : []), ...headers.flatMap((h) => ['-H', h]), url]);
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0),
    p50ms: ms(/50%\s+([\d.]+)(us|ms|s)/.exec(out)),
    p99ms: ms(/99%\s+([\d.]+)(us|ms|s)/.exec(out)),
    requests: Number(/(\d+) requests in/.exec(out)?.[1] ?? 0),
    errors: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0) + socketErrors(out),
  };
}

function socketErrors(out) {
  const m = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  return m ? Number(m[1]) + Number(m[2]) + Number(m[3]) + Number(m[4]) : 0;
}

/** `rate` requests per second over `conns` connections for `seconds` (bench/lib/fixed-rate.mjs), on `cpu`. */
export async function fixedRate(url, { cpu, rate, conns, seconds }) {
  const out = await collect([...pin(cpu), process.execPath, join(root, 'bench/lib/fixed-rate.mjs'), url, String(Math.round(rate)), String(conns), String(seconds)]);
  const r = JSON.parse(out.trim().split('\n').pop() || '{}');
  return { rps: r.rps ?? 0, p50ms: r.p50ms ?? NaN, p99ms: r.p99ms ?? NaN, p999ms: r.p999ms ?? NaN, requests: r.completed ?? 0, errors: (r.errors ?? 0) + (r.non2xx ?? 0), behind: (r.offered ?? 0) - (r.completed ?? 0) };
}
