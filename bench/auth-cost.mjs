// Cost of auth/validator on an endpoint with cached keys: the same no-op endpoint
// with and without the validator, in one run, interleaved rounds, through an hgw
// bundle (wrk, 1 thread, 32 connections). Prints req/s, p99 and the ratio.
// Needs wrk (Debian package `wrk`). ROUNDS and SECONDS vary the run.
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const rounds = Number(process.env.ROUNDS ?? 3);
const seconds = Number(process.env.SECONDS ?? 5);
if (spawnSync('wrk', ['--version']).error) {
  console.error('wrk is not installed: apt-get install -y wrk');
  process.exit(1);
}

const { publicKey, privateKey } = await generateKeyPair('RS256');
const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' };
const token = await new SignJWT({ sub: 'bench', iss: 'https://iam.bench', aud: 'api' }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setExpirationTime('2h').sign(privateKey);
const listen = (handler) => new Promise((resolve) => { const s = createServer(handler); s.listen(0, '127.0.0.1', () => resolve(s)); });
const backend = await listen((req, res) => { req.resume(); res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': 13 }).end('{"hello":"x"}'); });
const jwks = await listen((_q, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
const host = `http://127.0.0.1:${backend.address().port}`;
const validator = { alg: 'RS256', jwk_url: `http://127.0.0.1:${jwks.address().port}/jwks`, cache: true, issuer: 'https://iam.bench', audience: ['api'], disable_jwk_security: true };
const config = {
  version: 3,
  extra_config: { router: { disable_access_log: true } },
  endpoints: [
    { endpoint: '/open', output_encoding: 'no-op', backend: [{ url_pattern: '/', host: [host] }] },
    { endpoint: '/jwt', output_encoding: 'no-op', backend: [{ url_pattern: '/', host: [host] }], extra_config: { 'auth/validator': validator } },
  ],
};
const dir = mkdtempSync(join(tmpdir(), 'hgw-auth-bench-'));
writeFileSync(join(dir, 'gateway.json'), JSON.stringify(config));
const built = spawnSync(process.execPath, [join(root, 'bin/hgw.mjs'), 'build', join(dir, 'gateway.json'), '--out', join(dir, 'dist'), '-q'], { encoding: 'utf8' });
if (built.status !== 0) throw new Error(built.stderr);
const gw = spawn(process.execPath, [join(dir, 'dist/gateway.mjs'), '-p', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise((resolve) => { let out = ''; gw.stdout.on('data', (c) => { out += c; const m = out.match(/listening on port (\d+)/); if (m) resolve(Number(m[1])); }); });

// wrk runs as a child without blocking this process: the backend and JWKS servers live here.
async function wrk(path, headers) {
  const args = ['-t1', '-c32', `-d${seconds}s`, '--latency', ...headers.flatMap((h) => ['-H', h]), `http://127.0.0.1:${port}${path}`];
  const out = await new Promise((resolve) => {
    let text = '';
    const child = spawn('wrk', args);
    child.stdout.on('data', (c) => (text += c));
    child.on('close', () => resolve(text));
  });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0);
  const p99 = /99%\s+([\d.]+)(us|ms|s)/.exec(out);
  const p99ms = p99 ? Number(p99[1]) * (p99[2] === 'us' ? 0.001 : p99[2] === 's' ? 1000 : 1) : NaN;
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  return { rps, p99ms, non2xx };
}

await wrk('/jwt', [`Authorization: Bearer ${token}`]); // warm: keys fetched and cached, JIT warm
const open = [];
const jwt = [];
for (let i = 0; i < rounds; i++) {
  open.push(await wrk('/open', []));
  jwt.push(await wrk('/jwt', [`Authorization: Bearer ${token}`]));
}
gw.kill('SIGKILL');
backend.close();
jwks.close();
rmSync(dir, { recursive: true, force: true });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const row = (name, rs) => ({ name, rps: Math.round(median(rs.map((r) => r.rps))), min: Math.round(Math.min(...rs.map((r) => r.rps))), max: Math.round(Math.max(...rs.map((r) => r.rps))), p99ms: median(rs.map((r) => r.p99ms)), non2xx: rs.reduce((n, r) => n + r.non2xx, 0) });
const rows = [row('no-op endpoint', open), row('same + auth/validator (RS256, cached keys)', jwt)];
console.log(`auth/validator cost — Node ${process.version}, wrk -t1 -c32, ${rounds} rounds × ${seconds}s, medians`);
console.log('| endpoint | req/s (min–max) | p99 | non-2xx |');
console.log('|---|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.name} | ${r.rps} (${r.min}–${r.max}) | ${r.p99ms.toFixed(2)} ms | ${r.non2xx} |`);
const ratio = rows[1].rps / rows[0].rps;
console.log(`\nratio with/without validator: ${ratio.toFixed(2)}`);
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(join(root, 'bench/results/auth-cost.json'), `${JSON.stringify({ node: process.version, rounds, seconds, rows, ratio }, null, 2)}\n`);
