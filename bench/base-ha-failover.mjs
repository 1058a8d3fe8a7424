// Failover under load for the base_ha upstream: while workers send writes through
// an hgw bundle, the writer pod dies and the leader endpoint moves to another pod.
// Prints every client-visible outcome; target (issue #5): 0 failed writes and 0 307s
// when the new leader is elected within the poll interval (the one retry covers it).
// Usage: node bench/base-ha-failover.mjs   (DURATION_MS, CONCURRENCY, ELECT_DELAY_MS to vary)
import { spawn, spawnSync } from 'node:child_process';
import { createServer, request, Agent } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const duration = Number(process.env.DURATION_MS ?? 6000);
const concurrency = Number(process.env.CONCURRENCY ?? 8);
const pollMs = 200;
const electDelays = (process.env.ELECT_DELAY_MS ?? '0,100').split(',').map(Number);

function listen(handler) {
  return new Promise((resolve) => {
    const s = createServer(handler);
    s.listen(0, '127.0.0.1', () => resolve(s));
  });
}
const url = (s) => `http://127.0.0.1:${s.address().port}`;

async function scenario(electDelay) {
  const pods = [];
  for (let i = 0; i < 3; i++) {
    const name = `foo-${i}`;
    const s = await listen((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'Content-Type': 'application/json' }).end(`{"pod":"${name}"}`));
    });
    pods.push(s);
  }
  let leaderUrl = url(pods[0]);
  let term = 1;
  const leader = await listen((_req, res) =>
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ leader_url: leaderUrl, node_id: 'x', term, lease_expires: new Date(Date.now() + 60_000).toISOString() })),
  );
  const dir = mkdtempSync(join(tmpdir(), 'hgw-failover-'));
  const ha = { service_dns: '127.0.0.1', port: leader.address().port, leader_poll_interval: `${pollMs}ms`, read_your_writes_ttl: '0s' };
  const config = {
    version: 3,
    extra_config: { router: { disable_access_log: true } },
    endpoints: [{ endpoint: '/x', method: 'POST', output_encoding: 'no-op', backend: [{ url_pattern: '/x', host: [url(pods[2])], extra_config: { 'github.com/hanzoai/gateway/base_ha': ha } }] }],
  };
  writeFileSync(join(dir, 'gateway.json'), JSON.stringify(config));
  const built = spawnSync(process.execPath, [join(root, 'bin/hgw.mjs'), 'build', join(dir, 'gateway.json'), '--out', join(dir, 'dist'), '-q', '--profile', 'krakend'], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(built.stderr);
  const gw = spawn(process.execPath, [join(dir, 'dist/gateway.mjs'), '-p', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve) => {
    let out = '';
    gw.stdout.on('data', (c) => {
      out += c;
      const m = out.match(/listening on port (\d+)/);
      if (m) resolve(Number(m[1]));
    });
  });

  const counts = { ok: 0, redirects: 0, serverErrors: 0, transportErrors: 0 };
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const post = () =>
    new Promise((resolve) => {
      const req = request({ host: '127.0.0.1', port, path: '/x', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': 2 } }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode >= 300 && res.statusCode < 400) counts.redirects++;
          else if (res.statusCode >= 500) counts.serverErrors++;
          else counts.ok++;
          resolve();
        });
      });
      req.on('error', () => {
        counts.transportErrors++;
        resolve();
      });
      req.end('{}');
    });
  const started = Date.now();
  const killAt = started + duration / 2;
  let killed = false;
  const kill = async () => {
    killed = true;
    pods[0].closeAllConnections();
    pods[0].close();
    setTimeout(() => {
      leaderUrl = url(pods[1]);
      term = 2;
    }, electDelay);
  };
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() - started < duration) {
        if (!killed && Date.now() >= killAt) await kill();
        await post();
      }
    }),
  );
  const elapsed = (Date.now() - started) / 1000;
  agent.destroy();
  gw.kill('SIGKILL');
  for (const s of [...pods, leader]) s.close();
  rmSync(dir, { recursive: true, force: true });
  const total = counts.ok + counts.redirects + counts.serverErrors + counts.transportErrors;
  return { electDelayMs: electDelay, pollMs, concurrency, seconds: elapsed, writes: total, writesPerSecond: Math.round(total / elapsed), ...counts, failed: counts.serverErrors + counts.transportErrors };
}

const rows = [];
for (const d of electDelays) rows.push(await scenario(d));
console.log(`base_ha failover under load — Node ${process.version}, ${concurrency} concurrent writers, ${duration} ms, poll ${pollMs} ms`);
console.log('| new leader elected after | writes | writes/s | ok | 307 seen by clients | 5xx | transport errors | failed writes |');
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.electDelayMs} ms | ${r.writes} | ${r.writesPerSecond} | ${r.ok} | ${r.redirects} | ${r.serverErrors} | ${r.transportErrors} | ${r.failed} |`);
const pass = rows.every((r) => r.failed === 0 && r.redirects === 0);
console.log(`\n${pass ? 'PASS' : 'MISS'}  0 failed writes and 0 redirects when the leader moves within the poll interval`);
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(join(root, 'bench/results/base-ha-failover.json'), `${JSON.stringify({ node: process.version, rows, pass }, null, 2)}\n`);
