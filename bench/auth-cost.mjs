// Cost of auth/validator on an endpoint with cached keys: the same no-op endpoint
// with and without the validator, interleaved rounds in one run, through an hgw
// bundle (wrk, 1 thread, 32 connections). Needs wrk. ROUNDS and SECONDS vary the run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { buildAndStart, listen, printTable, requireWrk, summarise, wrk, writeResult } from './lib/harness.mjs';

requireWrk();
const rounds = Number(process.env.ROUNDS ?? 3);
const seconds = Number(process.env.SECONDS ?? 5);
const { publicKey, privateKey } = await generateKeyPair('RS256');
const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' };
const token = await new SignJWT({ sub: 'bench', iss: 'https://iam.bench', aud: 'api' }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setExpirationTime('2h').sign(privateKey);
const backend = await listen((req, res) => { req.resume(); res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': 13 }).end('{"hello":"x"}'); });
const jwks = await listen((_q, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
const host = `http://127.0.0.1:${backend.address().port}`;
const validator = { alg: 'RS256', jwk_url: `http://127.0.0.1:${jwks.address().port}/jwks`, cache: true, issuer: 'https://iam.bench', audience: ['api'], disable_jwk_security: true };
const dir = mkdtempSync(join(tmpdir(), 'hgw-auth-bench-'));
const gw = await buildAndStart(dir, 'gw', {
  version: 3,
  extra_config: { router: { disable_access_log: true } },
  endpoints: [
    { endpoint: '/open', output_encoding: 'no-op', backend: [{ url_pattern: '/', host: [host] }] },
    { endpoint: '/jwt', output_encoding: 'no-op', backend: [{ url_pattern: '/', host: [host] }], extra_config: { 'auth/validator': validator } },
  ],
});
const url = (p) => `http://127.0.0.1:${gw.port}${p}`;
const auth = [`Authorization: Bearer ${token}`];
await wrk(url('/jwt'), { seconds: 2, headers: auth }); // keys fetched and cached, JIT warm
const open = [];
const jwt = [];
for (let i = 0; i < rounds; i++) {
  open.push(await wrk(url('/open'), { seconds }));
  jwt.push(await wrk(url('/jwt'), { seconds, headers: auth }));
}
gw.child.kill('SIGKILL');
backend.close();
jwks.close();
rmSync(dir, { recursive: true, force: true });
const rows = [summarise('no-op endpoint', open), summarise('same + auth/validator (RS256, cached keys)', jwt)];
printTable(`auth/validator cost — Node ${process.version}, wrk -t1 -c32, ${rounds} rounds × ${seconds}s, medians`, rows);
const ratio = rows[1].rps / rows[0].rps;
console.log(`\nratio with/without validator: ${ratio.toFixed(2)}`);
writeResult('auth-cost.json', { rounds, seconds, rows, ratio });
