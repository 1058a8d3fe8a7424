import { createServer, type Server } from 'node:http';

/**
 * The relay's probe listeners (hanzo-core §7.1): `GET /healthz` →
 * `{"status":"ok","service":"gateway"}`, `GET /readyz` →
 * `{"status":"ready","service":"gateway"}`, and on the health listener only
 * `GET /metrics` → `# gateway up` (Go's stub). Anything else is 404.
 */
export async function startProbes(addr: { host: string; port: number }, withMetrics: boolean): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') return void json(res, { status: 'ok', service: 'gateway' });
    if (req.method === 'GET' && path === '/readyz') return void json(res, { status: 'ready', service: 'gateway' });
    if (withMetrics && req.method === 'GET' && path === '/metrics') {
      return void res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end('# gateway up\n');
    }
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('404 page not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(addr.port, addr.host || undefined, () => resolve());
  });
  return {
    port: (server.address() as { port: number }).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function json(res: import('node:http').ServerResponse, body: unknown): void {
  res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}
