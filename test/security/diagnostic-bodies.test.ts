import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request as httpRequest } from 'node:http';
import { base } from '../helpers/check.js';
import { startRuntime } from '../helpers/gateway.js';
import { request } from '../helpers/servers.js';

/**
 * `/__echo/` and `/__debug/` hold a request body to print it: bounded at
 * 1 MiB (413 past it, Go's MaxBytesReader text), so a large POST cannot make
 * the process hold hundreds of megabytes several times over.
 */
let gw: Awaited<ReturnType<typeof startRuntime>>;

beforeAll(async () => {
  gw = await startRuntime(base([], { echo_endpoint: true, debug_endpoint: true }));
});
afterAll(() => gw.close());

describe('diagnostic endpoints', () => {
  it.each(['/__echo/x', '/__debug/x'])('%s refuses a body over 1 MiB with 413 and still answers a small one', async (path) => {
    const big = await request(`${gw.url}${path}`, { method: 'POST', body: Buffer.alloc(2 * 1024 * 1024, 'a') });
    expect([big.status, big.body]).toEqual([413, 'http: request body too large']);
    expect(await chunkedStatus(`${gw.url}${path}`, 2 * 1024 * 1024)).toBe(413);
    const small = await request(`${gw.url}${path}`, { method: 'POST', body: 'hello' });
    expect(small.status).toBe(200);
    if (path.startsWith('/__echo')) expect(JSON.parse(small.body).req_body).toBe('hello');
  });
});

/** POSTs `size` bytes chunked (no Content-Length) in 64 KiB writes; resolves with the status. */
function chunkedStatus(url: string, size: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    const chunk = Buffer.alloc(64 * 1024, 'a');
    for (let sent = 0; sent < size; sent += chunk.length) req.write(chunk);
    req.end();
  });
}
