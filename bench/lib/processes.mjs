// Processes of the side-by-side suite: children pinned to a CPU with taskset, started
// and awaited until they print their port (Node programs) or accept connections on it
// (nginx, HAProxy, Caddy), and all killed when the suite exits. Also reads a process
// tree's CPU ticks and RSS from /proc.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';

const has = (cmd, arg) => !spawnSync(cmd, [arg]).error;

/** Whether `cmd` is there; installs its Debian package first when missing and root (an `apt-get update` if the lists lack it). */
function ensure(cmd, pkg, arg) {
  if (has(cmd, arg)) return true;
  if (process.getuid?.() !== 0) return false;
  const install = () => spawnSync('apt-get', ['install', '-y', '-qq', pkg], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (install().status !== 0) {
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    install();
  }
  return has(cmd, arg);
}

/** Exit with a clear message unless each [command, Debian package, version flag] is there; installs when root. */
export function requireTools(tools) {
  for (const [cmd, pkg, arg] of tools) {
    if (ensure(cmd, pkg, arg)) continue;
    console.error(`${cmd} is missing: apt-get install -y ${pkg}`);
    process.exit(1);
  }
}

/** null when [command, Debian package, version flag] is there (installed when root), else why it is not. */
export function missingTool([cmd, pkg, arg]) {
  return ensure(cmd, pkg, arg) ? null : `${cmd} is not installed${process.getuid?.() === 0 ? ` and apt-get install ${pkg} failed` : ` (apt-get install -y ${pkg} as root)`}`;
}

const canPin = has('taskset', '-V');
/** The argv prefix that pins a command to `cpu` ('0', '1', '0-1'; null floats). */
export const pin = (cpu) => (canPin && cpu !== null ? ['taskset', '-c', String(cpu)] : []);

const children = new Set();
/** Servers started by startServer: SIGTERM, since nginx's master takes its workers down on it and SIGKILL would orphan them. */
const servers = new WeakSet();
process.on('exit', () => {
  for (const c of children) c.kill(servers.has(c) ? 'SIGTERM' : 'SIGKILL');
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

/**
 * A server that prints nothing when it is up (nginx, HAProxy, Caddy): `cmd args` in the
 * foreground on `cpu`; resolves once `port` accepts connections, rejects if it exits or
 * is not up within 10 s.
 */
export async function startServer(cpu, cmd, args, port, env = {}) {
  const [bin, ...pre] = [...pin(cpu), cmd];
  let err = '';
  const child = spawn(bin, [...pre, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
  child.stderr.on('data', (c) => (err = (err + c).slice(-4096)));
  children.add(child);
  servers.add(child);
  child.once('exit', () => children.delete(child));
  for (let i = 0; i < 200 && child.exitCode === null; i++) {
    if (await accepts(port)) return { child, port, pids: () => tree(child.pid), stop: () => stop(child) };
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`${cmd} did not come up on port ${port}: ${err.trim() || `exit ${child.exitCode}`}`);
}

/** Whether a TCP connection to 127.0.0.1:port opens. */
function accepts(port) {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
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

/**
 * Milliseconds the processes' threads spent runnable but waiting for a CPU
 * (/proc/<pid>/task/<tid>/schedstat, second field), summed. On a quiet machine a
 * pinned proxy waits for nothing; on a shared one this is the time other
 * programs took from it, and latency tails grow with it.
 */
export function cpuWaitMs(pids) {
  let ns = 0;
  for (const pid of pids) {
    let tids = [];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue; // process gone
    }
    for (const tid of tids) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[1]);
      } catch {
        // thread gone
      }
    }
  }
  return ns / 1e6;
}
