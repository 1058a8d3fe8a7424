// Per-request cost of the router rate limiter: the same no-op endpoint with and
// without qos/ratelimit/router (limits high enough never to refuse, per-client by
// IP), interleaved rounds in one run. Needs wrk.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAndStart, listen, printTable, requireWrk, summarise, wrk, writeResult } from './lib/harness.mjs';

requireWrk();
const rounds = Number(process.env.ROUNDS ?? 3);
const seconds = Number(process.env.SECONDS ?? 5);
const backend = await listen((req, res) => { req.resume(); res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': 13 }).end('{"hello":"x"}'); });
const host = `http://127.0.0.1:${backend.address().port}`;
const dir = mkdtempSync(join(tmpdir(), 'hgw-rl-bench-'));
const gw = await buildAndStart(dir, 'gw', {
  version: 3,
  extra_config: { router: { disable_access_log: true } },
  endpoints: [
    { endpoint: '/open', output_encoding: 'no-op', backend: [{ url_pattern: '/', host: [host] }] },
    { endpoint: '/limited', output_encoding: 'no-op', backend: [{ url_pattern: '/', host: [host] }], extra_config: { 'qos/ratelimit/router': { max_rate: 1000000, client_max_rate: 1000000, strategy: 'ip' } } },
  ],
});
const url = (p) => `http://127.0.0.1:${gw.port}${p}`;
await wrk(url('/limited'), { seconds: 2 });
const open = [];
const limited = [];
for (let i = 0; i < rounds; i++) {
  open.push(await wrk(url('/open'), { seconds }));
  limited.push(await wrk(url('/limited'), { seconds }));
}
gw.child.kill('SIGKILL');
backend.close();
rmSync(dir, { recursive: true, force: true });
const rows = [summarise('no-op endpoint', open), summarise('same + qos/ratelimit/router (global + per-IP)', limited)];
printTable(`router rate limiter cost — Node ${process.version}, wrk -t1 -c32, ${rounds} rounds × ${seconds}s, medians`, rows);
const ratio = rows[1].rps / rows[0].rps;
const usPerRequest = (1e6 / rows[1].rps - 1e6 / rows[0].rps).toFixed(1);
console.log(`\nratio with/without: ${ratio.toFixed(2)}; about ${usPerRequest} µs more per request`);
writeResult('ratelimit-cost.json', { rounds, seconds, rows, ratio });
