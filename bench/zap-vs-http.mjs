// The same endpoint reached three ways, in one run: client → hgw A → (HTTP keep-alive |
// ZAP with hgw's type-200/201 messages | ZAP with HIP-0110 Forward envelopes) → hgw B → backend.
// wrk, 1 thread, 32 connections, interleaved rounds, medians. Needs wrk.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAndStart, listen, printTable, requireWrk, summarise, wrk, writeResult } from './lib/harness.mjs';

requireWrk();
const rounds = Number(process.env.ROUNDS ?? 3);
const seconds = Number(process.env.SECONDS ?? 5);
const body = JSON.stringify({ hello: 'x'.repeat(1000) });
const backend = await listen((req, res) => { req.resume(); res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }).end(body); });
const dir = mkdtempSync(join(tmpdir(), 'hgw-zap-bench-'));
const quiet = { router: { disable_access_log: true } };
const b = await buildAndStart(dir, 'b', {
  version: 3,
  extra_config: { ...quiet, 'github.com/hanzoai/gateway/zap-listener': { node_id: 'b' } },
  endpoints: [{ endpoint: '/item', output_encoding: 'no-op', backend: [{ url_pattern: '/', host: [`http://127.0.0.1:${backend.address().port}`] }] }],
}, { HGW_ZAP_NODE_LISTEN: '127.0.0.1:0' });
const bHost = `http://127.0.0.1:${b.port}`;
const zap = { node_id: 'a', peer_id: 'b', peer_addr: `127.0.0.1:${b.zapPort}`, no_discovery: true, timeout_ms: 5000 };
const a = await buildAndStart(dir, 'a', {
  version: 3,
  extra_config: quiet,
  endpoints: [
    { endpoint: '/http', output_encoding: 'no-op', backend: [{ url_pattern: '/item', host: [bHost] }] },
    { endpoint: '/zap-http', output_encoding: 'no-op', backend: [{ url_pattern: '/item', host: [bHost], extra_config: { 'github.com/hanzoai/gateway/zap': { ...zap, envelope: 'http' } } }] },
    { endpoint: '/zap-forward', output_encoding: 'no-op', backend: [{ url_pattern: '/item', host: [bHost], extra_config: { 'github.com/hanzoai/gateway/zap': { ...zap, envelope: 'forward' } } }] },
  ],
});
const url = (p) => `http://127.0.0.1:${a.port}${p}`;
const paths = [['A → HTTP keep-alive → B', '/http'], ['A → ZAP (envelope http, types 200/201) → B', '/zap-http'], ['A → ZAP (envelope forward, HIP-0110) → B', '/zap-forward']];
for (const [, path] of paths) await wrk(url(path), { seconds: 2 });
const runs = paths.map(() => []);
for (let i = 0; i < rounds; i++) {
  for (const [j, [, path]] of paths.entries()) runs[j].push(await wrk(url(path), { seconds }));
}
a.child.kill('SIGKILL');
b.child.kill('SIGKILL');
backend.close();
rmSync(dir, { recursive: true, force: true });
const rows = paths.map(([name], j) => summarise(name, runs[j]));
printTable(`HTTP vs ZAP between two hgw gateways — Node ${process.version}, 1 KB JSON, wrk -t1 -c32, ${rounds} rounds × ${seconds}s, medians`, rows);
for (const row of rows.slice(1)) console.log(`ratio to HTTP, ${row.name}: ${(row.rps / rows[0].rps).toFixed(2)}`);
writeResult('zap-vs-http.json', { rounds, seconds, rows });
