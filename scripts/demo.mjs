// `npm run demo`: the main job on an embedded default. Starts a small built-in
// backend, then `hgw run fixtures/demo/gateway.json` with a host map pointing
// the demo's backend host at it, sends a few sample requests and prints them.
// Keeps serving until Ctrl-C; `--once` exits after the samples (used by tests).
import { spawn } from 'node:child_process';
import { createServer, request } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const once = process.argv.includes('--once');
const port = process.env.PORT ?? (once ? '0' : '8080');

const users = { 1: { id: 1, name: 'Ada', email: 'ada@example.com', role: 'admin' }, 2: { id: 2, name: 'Linus', email: 'linus@example.com', role: 'dev' } };
const backend = createServer((req, res) => {
  const json = (status, value) => {
    const body = JSON.stringify(value);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  };
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const m = req.url.match(/^\/users\/(\d+)(\/orders)?$/);
    if (m && !m[2]) return users[m[1]] ? json(200, users[m[1]]) : json(404, { error: 'no such user' });
    if (m && m[2]) return json(200, [{ id: 'o-1', total: 12.5 }, { id: 'o-2', total: 7 }]);
    if (req.url === '/orders' && req.method === 'POST') return json(201, { created: true, received: JSON.parse(Buffer.concat(chunks).toString() || '{}') });
    if (req.url === '/__health') return json(200, { status: 'ok' });
    json(404, { error: 'not found' });
  });
});
await new Promise((r) => backend.listen(0, '127.0.0.1', r));
const backendUrl = `http://127.0.0.1:${backend.address().port}`;

const gateway = spawn(process.execPath, [join(root, 'bin/hgw.mjs'), 'run', join(root, 'fixtures/demo/gateway.json'), '-p', port, '--host-map', `*=${backendUrl}`], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
let log = '';
const listening = new Promise((resolve, reject) => {
  gateway.stdout.on('data', (c) => {
    process.stdout.write(c);
    log += c;
    const m = log.match(/listening on port (\d+)/);
    if (m) resolve(Number(m[1]));
  });
  gateway.once('exit', (code) => reject(new Error(`hgw run exited with ${code}`)));
});
let gwPort;
try {
  gwPort = await listening;
} catch {
  // hgw run has said why on stderr (e.g. the port is in use); a stack trace here would only bury that line.
  process.stderr.write(`demo: the gateway did not start on port ${port}; free it or pick another, e.g. PORT=8088 npm run demo\n`);
  backend.close();
  process.exit(1);
}

function call(method, path, body, extra = {}) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: gwPort, method, path, headers: { ...(body ? { 'Content-Type': 'application/json' } : {}), ...extra } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve(`${method} ${path} → ${res.statusCode} ${text}`));
    });
    req.on('error', reject);
    req.end(body);
  });
}

console.log(`\nbuilt-in backend: ${backendUrl}; sample requests through the gateway:`);
// The default (hanzo) profile: /account is "auth/public": false, so a client that only claims an identity is refused.
for (const line of [
  await call('GET', '/users/1'),
  await call('POST', '/orders', '{"sku":"hgw-1"}'),
  await call('GET', '/status'),
  await call('GET', '/account', undefined, { 'X-User-Id': 'admin' }),
  await call('GET', '/healthz'),
]) {
  console.log(`  ${line}`);
}
if (once) {
  gateway.kill('SIGTERM');
  await new Promise((r) => gateway.once('exit', r));
  backend.close();
} else {
  console.log(`\nserving on http://localhost:${gwPort} — try: curl -s localhost:${gwPort}/users/2 ; Ctrl-C stops`);
  const stop = () => gateway.kill('SIGTERM');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  gateway.once('exit', (code) => {
    backend.close();
    process.exitCode = code ?? 0;
  });
}
