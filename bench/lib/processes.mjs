// Processes of the side-by-side suite: children pinned to a CPU with taskset,
// started and awaited until they print their port, and all killed when the
// suite exits. Also reads a process tree's CPU ticks and RSS from /proc.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

const has = (cmd, arg) => !spawnSync(cmd, [arg]).error;

/** Exit with a clear message unless each [command, Debian package, version flag] is there; installs when root. */
export function requireTools(tools) {
  for (const [cmd, pkg, arg] of tools) {
    if (has(cmd, arg)) continue;
    if (process.getuid?.() !== 0) {
      console.error(`${cmd} is missing: apt-get install -y ${pkg}`);
      process.exit(1);
    }
    spawnSync('apt-get', ['install', '-y', '-qq', pkg], { stdio: 'inherit' });
  }
}

const canPin = has('taskset', '-V');
/** The argv prefix that pins a command to `cpu` ('0', '1', '0-1'; null floats). */
export const pin = (cpu) => (canPin && cpu !== null ? ['taskset', '-c', String(cpu)] : []);

const children = new Set();
process.on('exit', () => {
  // nginx's master takes its workers down on SIGTERM; SIGKILL would orphan them.
  for (const c of children) c.kill(c.spawnargs.includes('nginx') ? 'SIGTERM' : 'SIGKILL');
});

/** The pid and its children (nginx workers, cluster workers). */
function tree(pid) {
  const kids = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map(Number);
  return [pid, ...kids];
}

/**
 * Start `cmd args` on `cpu`; resolves with { child, port, pids, stop, output } once it prints
 * "listening on port N". `output()` is what it printed; kept only with `keepOutput`.
 */
export function start(cpu, cmd, args, env = {}, { keepOutput = false } = {}) {
  const [bin, ...pre] = [...pin(cpu), cmd];
  // Gateways stop at once on SIGTERM here: no balancer needs the drain delay between runs.
  const child = spawn(bin, [...pre, ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, HGW_DRAIN_DELAY: '0', ...env } });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (c) => {
      out += c;
      const m = out.match(/listening on port (\d+)/);
      if (!m) return;
      child.stdout.off('data', onData);
      if (keepOutput) child.stdout.on('data', (c) => (out += c));
      else child.stdout.resume();
      resolve({ child, port: Number(m[1]), pids: () => tree(child.pid), stop: () => stop(child), output: () => out });
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${cmd} exited ${code}: ${out}`)));
  });
}

function stop(child) {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 3000).unref();
  });
}

/** nginx with `conf` (a full nginx.conf) on `cpu`; resolves once `port` accepts connections. */
export async function startNginx(cpu, dir, confPath, port) {
  const [bin, ...pre] = [...pin(cpu), 'nginx'];
  const child = spawn(bin, [...pre, '-p', dir, '-c', confPath], { stdio: 'ignore' });
  children.add(child);
  child.once('exit', () => children.delete(child));
  for (let i = 0; i < 100 && !(await accepts(port)); i++) await new Promise((r) => setTimeout(r, 50));
  return { child, port, pids: () => tree(child.pid), stop: () => stop(child) };
}

function accepts(port) {
  return new Promise((resolve) => {
    const s = spawn('sh', ['-c', `exec 3<>/dev/tcp/127.0.0.1/${port}`]);
    s.on('close', (code) => resolve(code === 0));
  });
}

export function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** CPU time of the processes in clock ticks: user (utime) and kernel (stime). */
export function cpuTicks(pids) {
  const ticks = { user: 0, sys: 0 };
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks.user += Number(fields[11]);
      ticks.sys += Number(fields[12]);
    } catch {
      // process gone
    }
  }
  return ticks;
}

/** Resident memory of the processes, MB. */
export function rssMb(pids) {
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
