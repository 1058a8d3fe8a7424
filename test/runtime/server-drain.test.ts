import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from 'node:http';
import { base } from '../helpers/check.js';
import { startRuntime } from '../helpers/gateway.js';
import { gatedBackend, request } from '../helpers/servers.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('draining', () => {
  it('lets a running request finish, answers a new request on a kept-alive connection 503 + Connection: close', async () => {
    const be = await gatedBackend();
    cleanups.push(() => be.close());
    const gw = await startRuntime(base([
      { endpoint: '/slow', output_encoding: 'no-op', backend: [{ url_pattern: '/slow', host: [be.url] }] },
      { endpoint: '/fast', output_encoding: 'no-op', backend: [{ url_pattern: '/fast', host: [be.url] }] },
    ]));
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    cleanups.push(async () => agent.destroy());
    // Open a kept-alive connection first.
    expect((await request(`${gw.url}/fast`, { agent })).status).toBe(200);

    const slow = request(`${gw.url}/slow`);
    await be.arrived;
    const drained = gw.close();
    const meanwhile = await request(`${gw.url}/fast`, { agent });
    expect(meanwhile.status).toBe(503);
    expect(meanwhile.headers.connection).toBe('close');
    be.release();
    const finished = await slow;
    expect([finished.status, finished.body]).toEqual([200, 'slow done']);
    await drained;
    await expect(request(`${gw.url}/fast`)).rejects.toThrow(/ECONNREFUSED/);
  });
});
