// Per-request cost of the access log and of its format: the same no-op endpoint
// with the access log off, in the default text format, and in the logstash JSON
// format (with request ids), each gateway writing into a pipe that is read and
// dropped, as a container runtime reads stdout. Interleaved rounds. Needs wrk.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listen, printTable, requireWrk, root, summarise, wrk, writeResult } from './lib/harness.mjs';

requireWrk();
const rounds = Number(process.env.ROUNDS ?? 3);
const seconds = Number(process.env.SECONDS ?? 5);
const backend = await listen((req, res) => { req.resume(); res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': 13 }).end('{"hello":"x"}'); });
const host = `http://127.0.0.1:${backend.address().port}`;
const dir = mkdtempSync(join(tmpdir(), 'hgw-log-bench-'));

/** Builds and starts a gateway whose stdout is drained and dropped once it listens. */
function start(name, extra) {
  const config = { version: 3, extra_config: extra, endpoints: [{ endpoint: '/x', output_encoding: 'no-op', backend: [{ url_pattern: '/', host: [host] }] }] };
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(config));
  const built = spawnSync(process.execPath, [join(root, 'bin/hgw.mjs'), 'build', join(dir, `${name}.json`), '--out', join(dir, name), '-q', '--profile', 'krakend'], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(built.stderr);
  const child = spawn(process.execPath, [join(dir, name, 'gateway.mjs'), '-p', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve) => {
    let out = '';
    const onData = (c) => {
      out += c;
      const m = out.match(/listening on port (\d+)/);
      if (!m) return;
      child.stdout.off('data', onData);
      child.stdout.resume(); // keep reading, keep nothing
      resolve({ child, port: Number(m[1]) });
    };
    child.stdout.on('data', onData);
  });
}

const variants = [
  ['access log off', { router: { disable_access_log: true } }],
  ['access log, default text', { 'telemetry/logging': { level: 'INFO', stdout: true } }],
  ['access log, logstash JSON', { 'telemetry/logging': { level: 'INFO', stdout: true, format: 'logstash' } }],
];
const gateways = [];
for (const [name, extra] of variants) gateways.push(await start(name.replace(/\W+/g, '-'), extra));
const results = variants.map(() => []);
for (const gw of gateways) await wrk(`http://127.0.0.1:${gw.port}/x`, { seconds: 1 });
for (let r = 0; r < rounds; r++) for (const [i, gw] of gateways.entries()) results[i].push(await wrk(`http://127.0.0.1:${gw.port}/x`, { seconds }));
for (const gw of gateways) gw.child.kill('SIGKILL');
backend.close();
rmSync(dir, { recursive: true, force: true });
const rows = variants.map(([name], i) => summarise(name, results[i]));
printTable(`access-log cost — Node ${process.version}, wrk -t1 -c32, ${rounds} rounds × ${seconds}s, medians`, rows);
for (const row of rows.slice(1)) console.log(`${row.name}: about ${(1e6 / row.rps - 1e6 / rows[0].rps).toFixed(1)} µs more per request than with no access log`);
writeResult('logging-cost.json', { rounds, seconds, rows });
