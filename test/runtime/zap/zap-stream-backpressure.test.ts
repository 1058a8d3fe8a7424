import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { base } from '../../helpers/check.js';
import { startRuntime } from '../../helpers/gateway.js';
import { startServer, type TestServer } from '../../helpers/servers.js';

/**
 * A streamed ZAP answer to a client that stops reading: the caller holds at
 * most its per-call bound of Push frames, then cuts the call off and cancels
 * it at the peer, whose backend call then ends — nothing grows without bound
 * and the backend is not read to its end.
 */
const TOTAL = 256 * 1024 * 1024;
let backend: TestServer;
let peer: Awaited<ReturnType<typeof startRuntime>>;
let gw: Awaited<ReturnType<typeof startRuntime>>;
let sent = 0;
let backendClosed: () => void = () => {};
const closed = new Promise<void>((r) => (backendClosed = r));

beforeAll(async () => {
  backend = await startServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    const event = Buffer.from(`data: ${'x'.repeat(64 * 1024)}\n\n`);
    const pump = (): void => {
      while (sent < TOTAL && !res.destroyed) {
        sent += event.length;
        if (!res.write(event)) return void res.once('drain', pump);
      }
      res.end();
    };
    res.on('close', () => backendClosed());
    pump();
  });
  peer = await startRuntime(
    base([{ endpoint: '/events', output_encoding: 'no-op', timeout: '60s', backend: [{ url_pattern: '/', host: [backend.url] }] }], {
      extra_config: { 'github.com/hanzoai/gateway/zap-listener': { node_id: 'peer' } },
    }),
    { env: { HGW_ZAP_NODE_LISTEN: '127.0.0.1:0' } },
  );
  const port = Number(peer.logs.join('').match(/node peer listening on [^:]*:(\d+)/)![1]);
  gw = await startRuntime(
    base([
      {
        endpoint: '/events',
        output_encoding: 'no-op',
        timeout: '60s',
        backend: [{ url_pattern: '/events', host: ['http://127.0.0.1:9'], extra_config: { 'github.com/hanzoai/gateway/zap': { node_id: 'caller', peer_addr: `127.0.0.1:${port}`, no_discovery: true } } }],
      },
    ]),
  );
});

afterAll(async () => {
  await gw?.close();
  await peer?.close();
  await backend?.close();
});

describe('ZAP stream back-pressure', () => {
  it('a client that stops reading gets its call cut off and the backend call cancelled, memory bounded', async () => {
    const before = process.memoryUsage().arrayBuffers;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().arrayBuffers)), 5);
    // A raw socket that sends the request and then never reads.
    const socket = connect(Number(new URL(gw.url).port), '127.0.0.1');
    socket.on('error', () => {});
    socket.write('GET /events HTTP/1.1\r\nHost: gw\r\n\r\n');
    socket.pause();
    await closed;
    clearInterval(sampler);
    socket.destroy();
    expect(sent).toBeLessThan(TOTAL);
    // 8 MiB of queued frames per call, plus socket and stream buffers along the chain.
    expect(peak - before).toBeLessThan(96 * 1024 * 1024);
  });
});
