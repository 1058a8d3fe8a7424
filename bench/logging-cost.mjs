// Per-request cost of the access log and of its format: the same no-op endpoint
// with the access log off, in the default text format, and in the logstash JSON
// format (with request ids), each gateway writing into a pipe that is read and
// dropped, as a container runtime reads stdout. Interleaved rounds. Needs wrk.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAndStart, listen, printTable, requireWrk, summarise, wrk, writeResult } from './lib/harness.mjs';

requireWrk();
const rounds = Number(process.env.ROUNDS ?? 3);
const seconds = Number(process.env.SECONDS ?? 5);
const backend = await listen((req, res) => { req.resume(); res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': 13 }).end('{"hello":"x"}'); });
const host = `http://127.0.0.1:${backend.address().port}`;
const dir = mkdtempSync(join(tmpdir(), 'hgw-log-bench-'));

/** Builds and starts a gateway (the harness drops its output once it listens). */
const start = (name, extra) =>
  buildAndStart(dir, name, { version: 3, extra_config: extra, endpoints: [{ endpoint: '/x', output_encoding: 'no-op', backend: [{ url_pattern: '/', host: [host] }] }] });

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
