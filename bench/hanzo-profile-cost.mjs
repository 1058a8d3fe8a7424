// The hanzo profile's per-request cost (issue 16's target: ≥ 0.85× a plain no-op):
// the same no-op endpoint built twice — `hanzo` (production headers, Hanzo CORS,
// the IAM gate verifying a real RS256 JWT from its key cache, the widget gate) with
// a router rate limit, and `krakend` with nothing — under wrk in interleaved
// rounds. Reported per gateway: req/s and CPU µs/request (from /proc, the figure to
// decide by on a shared box), and the ratios hanzo/plain. ROUNDS, SECONDS vary the
// run; CPU_PROF=1 also writes a V8 CPU profile of each gateway (readable bundles) and
// prints its heaviest functions by self time (CPU_PROF_DIR keeps the .cpuprofile files). Needs wrk.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { listen, requireWrk, root, summarise, wrk, writeResult } from './lib/harness.mjs';
import { CLK_TCK, cpuTicks, start } from './lib/processes.mjs';

requireWrk();
const rounds = Number(process.env.ROUNDS ?? 3);
const seconds = Number(process.env.SECONDS ?? 5);
const profile = process.env.CPU_PROF === '1';
const dir = mkdtempSync(join(tmpdir(), 'hgw-hanzo-bench-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

const { publicKey, privateKey } = await generateKeyPair('RS256');
const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
const issuer = 'https://iam.bench.test';
const token = await new SignJWT({ sub: 'bench-user', owner: 'bench-org', name: 'bench' })
  .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
  .setIssuer(issuer)
  .setAudience('hanzo-app')
  .setExpirationTime('2h')
  .sign(privateKey);
const backend = await listen((req, res) => {
  req.resume();
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': 13 }).end('{"hello":"x"}');
});
const jwks = await listen((_q, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
const host = `http://127.0.0.1:${backend.address().port}`;
const endpoint = (extra) => ({ endpoint: '/noop', output_encoding: 'no-op', backend: [{ url_pattern: '/', host: [host] }], ...(extra ? { extra_config: extra } : {}) });
const configs = {
  plain: { version: 3, extra_config: { router: { disable_access_log: true }, 'github.com/hanzoai/gateway/profile': 'krakend' }, endpoints: [endpoint()] },
  hanzo: {
    version: 3,
    extra_config: { router: { disable_access_log: true } },
    endpoints: [endpoint({ 'qos/ratelimit/router': { max_rate: 1000000, client_max_rate: 1000000, strategy: 'ip' } })],
  },
};
const env = { AUTH_JWKS_URL: `http://127.0.0.1:${jwks.address().port}/jwks`, AUTH_ISSUER: issuer, AUTH_REQUIRE: 'true' };

const gateways = {};
for (const [name, config] of Object.entries(configs)) {
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(config));
  const args = [join(root, 'bin/hgw.mjs'), 'build', join(dir, `${name}.json`), '--out', join(dir, name), '-q', ...(profile ? ['--no-minify'] : [])];
  const built = spawnSync(process.execPath, args, { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(built.stderr);
  const flags = profile ? ['--cpu-prof', `--cpu-prof-dir=${join(process.env.CPU_PROF_DIR ?? dir, `${name}-prof`)}`] : [];
  gateways[name] = await start(null, process.execPath, [...flags, join(dir, name, 'gateway.mjs'), '-p', '0'], env);
}
const headers = [`Authorization: Bearer ${token}`, 'Host: api.hanzo.ai'];
const url = (name) => `http://127.0.0.1:${gateways[name].port}/noop`;

/** One wrk run with the gateway's CPU time over it. */
async function measured(name) {
  const before = cpuTicks(gateways[name].pids());
  const run = await wrk(url(name), { seconds, headers });
  const after = cpuTicks(gateways[name].pids());
  const requests = run.rps * seconds;
  return { ...run, cpuUs: (((after.user + after.sys - before.user - before.sys) / CLK_TCK) * 1e6) / requests };
}

for (const name of Object.keys(gateways)) {
  const warm = await wrk(url(name), { seconds: 2, headers }); // keys fetched and cached, JIT warm
  if (warm.non2xx > 0) throw new Error(`${name}: ${warm.non2xx} non-2xx answers while warming up (is the token accepted?)`);
}
const runs = { plain: [], hanzo: [] };
for (let i = 0; i < rounds; i++) for (const name of Object.keys(runs)) runs[name].push(await measured(name));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = Object.entries(runs).map(([name, r]) => ({ ...summarise(name, r), cpuUs: median(r.map((x) => x.cpuUs)), cpuMin: Math.min(...r.map((x) => x.cpuUs)), cpuMax: Math.max(...r.map((x) => x.cpuUs)) }));
const [plain, hanzo] = rows;
console.log(`hanzo profile vs plain no-op — Node ${process.version}, wrk -t1 -c32, ${rounds} rounds × ${seconds}s, medians (min–max), load ${(await import('node:os')).loadavg()[0].toFixed(1)}`);
console.log('| gateway | req/s | CPU µs/req | non-2xx |');
console.log('|---|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.name === 'plain' ? 'krakend profile, plain no-op' : 'hanzo profile: IAM JWT (cached keys), production headers, CORS, widget gate, rate limit'} | ${r.rps} (${r.min}–${r.max}) | ${r.cpuUs.toFixed(1)} (${r.cpuMin.toFixed(1)}–${r.cpuMax.toFixed(1)}) | ${r.non2xx} |`);
const ratios = { rps: hanzo.rps / plain.rps, cpuPerRequest: hanzo.cpuUs / plain.cpuUs };
console.log(`\nhanzo / plain: req/s ${ratios.rps.toFixed(2)} (target ≥ 0.85), CPU per request ${ratios.cpuPerRequest.toFixed(2)}`);

if (profile) {
  for (const [name, g] of Object.entries(gateways)) {
    g.child.kill('SIGINT'); // drains and exits, which writes the profile
    await new Promise((r) => g.child.once('exit', r));
    const folder = join(process.env.CPU_PROF_DIR ?? dir, `${name}-prof`);
    const file = readdirSync(folder).find((f) => f.endsWith('.cpuprofile'));
    if (file) printTop(name, JSON.parse(readFileSync(join(folder, file), 'utf8')));
  }
} else for (const g of Object.values(gateways)) await g.stop();
backend.close();
jwks.close();
writeResult('hanzo-profile-cost.json', { rounds, seconds, rows, ratios });

/** The 25 functions with the most self time in a .cpuprofile, as % of the busy (not idle) samples. */
function printTop(name, prof) {
  const self = new Map();
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const counts = new Map();
  for (const s of prof.samples) counts.set(s, (counts.get(s) ?? 0) + 1);
  let total = 0;
  for (const [id, n] of counts) {
    const node = byId.get(id);
    const f = node.callFrame;
    if (f.functionName === '(idle)') continue;
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-1)[0]}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + n);
    total += n;
  }
  console.log(`\n${name}: top self time (${total} busy samples)`);
  for (const [k, n] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${((n / total) * 100).toFixed(1).padStart(5)}%  ${k}`);
}
