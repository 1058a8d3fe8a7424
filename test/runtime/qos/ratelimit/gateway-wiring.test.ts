/**
 * The limits wired into a whole gateway the way codegen wires them (the
 * endpoint middleware list and the backend stages): a config in, HTTP out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base } from '../../../helpers/check.js';
import { startRuntime } from '../../../helpers/gateway.js';
import { request, startServer, type TestServer } from '../../../helpers/servers.js';
import { statuses } from './serve-rate-limit.js';

let backend: TestServer;
let gateway: Awaited<ReturnType<typeof startRuntime>>;

beforeAll(async () => {
  backend = await startServer((_req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}'));
  const be = (extra: Record<string, unknown> = {}) => ({ url_pattern: '/', host: [backend.url], extra_config: extra });
  gateway = await startRuntime(
    base(
      [
        { endpoint: '/a', backend: [be()] },
        { endpoint: '/b', backend: [be()] },
        { endpoint: '/own', backend: [be()], extra_config: { 'qos/ratelimit/router': { max_rate: 2, capacity: 2, every: '1h' } } },
        {
          endpoint: '/proxied',
          output_encoding: 'no-op',
          backend: [be({ 'qos/ratelimit/proxy': { max_rate: 1, capacity: 1, every: '1h' } })],
          extra_config: { 'qos/ratelimit/router': { max_rate: 100 } },
        },
      ],
      { extra_config: { router: { return_error_msg: true }, 'qos/ratelimit/router': { max_rate: 5, capacity: 5, every: '1h' } } },
    ),
  );
});

afterAll(async () => {
  await gateway?.close();
  await backend?.close();
});

const sequentially = async (url: string, n: number) => {
  const out = [];
  for (let i = 0; i < n; i++) out.push(await request(url));
  return out;
};

describe('rate limits in a running gateway', () => {
  it('the service limit is shared by the endpoints without their own; /own has its own; 429s carry the JSON body', async () => {
    expect(statuses(await sequentially(`${gateway.url}/a`, 3))).toEqual({ 200: 3 });
    const b = await sequentially(`${gateway.url}/b`, 4);
    expect(statuses(b)).toEqual({ 200: 2, 429: 2 });
    expect(b[3]!.body).toBe('{"message":"rate limit exceeded"}');
    expect(Number(b[3]!.headers['retry-after'])).toBeGreaterThan(0);
    expect(statuses(await sequentially(`${gateway.url}/own`, 3))).toEqual({ 200: 2, 429: 1 });
  });

  it('the proxy limit fails the backend call over the limit, and the endpoint answers as for any failed backend', async () => {
    const first = await request(`${gateway.url}/proxied`);
    expect([first.status, first.body]).toEqual([200, '{"ok":true}']);
    const second = await request(`${gateway.url}/proxied`);
    // no-op endpoint, one backend, router.return_error_msg: the error text is the body, as in KrakenD.
    expect([second.status, second.body]).toEqual([500, 'rate limit exceded']);
  });
});
