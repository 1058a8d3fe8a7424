import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base } from '../../helpers/check.js';
import { startRuntime } from '../../helpers/gateway.js';
import { request, startServer, type TestServer } from '../../helpers/servers.js';
import { ZapConnection } from '../../../runtime/zap/wire/zap-connection.js';
import { decodeHttpResponse, encodeHttpRequest } from '../../../runtime/zap/wire/http-messages.js';
import { decodeForwardResponse, encodeForward, encodePush } from '../../../runtime/zap/wire/forward-envelopes.js';
import { MAX_OPEN_STREAMS } from '../../../runtime/zap/forward-server.js';
import {
  createZapHttpFrameDecoder, decodeZapHttpData, decodeZapHttpResponseHead, encodeZapHttpRequest, zapHttpMessageType, ZAP_HTTP_DATA, ZAP_HTTP_END, ZAP_HTTP_RESPONSE_HEAD,
} from '../../../runtime/zap/wire/zap-http-codec.js';
import { connect } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// A collection on demand, for measuring live memory (the flag only exposes `gc` to contexts made after it).
setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;

/**
 * Issue 15 finding 4: the ZAP node listener replays requests into the
 * gateway's own HTTP port. It must not buffer an answer past the 10 MiB
 * frame it has to fit, and a ZAP peer must not pick the client address the
 * handler chain sees (the loopback hop is a trusted proxy).
 */
const HUGE = 256 * 1024 * 1024;
const BIG = 80 * 1024 * 1024;
let zapHttpPort = 0;
let backend: TestServer;
let gw: Awaited<ReturnType<typeof startRuntime>>;
let zapPort = 0;
let hugeSent = 0;

beforeAll(async () => {
  backend = await startServer((req, res) => {
    if (req.url === '/huge') {
      // 256 MiB of chunked answer, written as fast as the reader takes it.
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      const chunk = Buffer.alloc(1024 * 1024, 0x61);
      const pump = (): void => {
        while (hugeSent < HUGE && !res.destroyed) {
          hugeSent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
      return;
    }
    if (req.url === '/big') {
      // 80 MiB with a Content-Length: more than one 64 MiB ZAP-HTTP frame holds.
      const chunk = Buffer.alloc(1024 * 1024, 0x62);
      let left = BIG;
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(BIG) });
      const pump = (): void => {
        while (left > 0 && !res.destroyed) {
          left -= chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
      return;
    }
    if (req.url === '/sse') {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write('data: open\n\n');
      return; // held open until the caller cancels
    }
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end(req.url === '/xff' ? String(req.headers['x-forwarded-for']) : 'small');
  });
  const ep = (path: string, extra: Record<string, unknown> = {}) => ({ endpoint: path, output_encoding: 'no-op', backend: [{ url_pattern: path, host: [backend.url] }], ...extra });
  gw = await startRuntime(
    base(
      [
        ep('/huge', { timeout: '60s' }),
        ep('/small'),
        ep('/sse', { timeout: '60s' }),
        ep('/big', { timeout: '60s' }),
        ep('/xff'),
        ep('/limited', { extra_config: { 'qos/ratelimit/router': { client_max_rate: 1, every: '1h', strategy: 'ip' } } }),
      ],
      { extra_config: { 'github.com/hanzoai/gateway/zap-listener': { node_id: 'bounded' } } },
    ),
    { env: { HGW_ZAP_NODE_LISTEN: '127.0.0.1:0', GATEWAY_ZAP_LISTEN: '127.0.0.1:0' } },
  );
  zapPort = Number(gw.logs.join('').match(/node bounded listening on [^:]*:(\d+)/)![1]);
  zapHttpPort = Number(gw.logs.join('').match(/ZAP-HTTP listening on [^:]*:(\d+)/)![1]);
});

afterAll(async () => {
  await gw?.close();
  await backend?.close();
});

async function overZap(conn: ZapConnection, path: string, headers: Array<[string, string]> = []) {
  const message = encodeHttpRequest({ method: 'GET', path, query: '', headers: [['Host', 'gw'], ...headers], body: Buffer.alloc(0) });
  return decodeHttpResponse(await conn.call(message, 60_000));
}

describe('ZAP node listener bounds (issue 15, finding 4)', () => {
  it('cuts a huge answer off at the frame size: memory stays bounded, the caller gets 502, another client is served meanwhile', async () => {
    const conn = await ZapConnection.dial('127.0.0.1', zapPort, 'attacker');
    try {
      global.gc?.();
      const before = process.memoryUsage();
      let peakRss = before.rss;
      let peakBuffers = before.arrayBuffers;
      const sampler = setInterval(() => {
        const m = process.memoryUsage();
        peakRss = Math.max(peakRss, m.rss);
        peakBuffers = Math.max(peakBuffers, m.arrayBuffers);
      }, 5);
      const huge = overZap(conn, '/huge');
      // Served while the huge answer is in flight.
      const other = await request(`${gw.url}/small`);
      const res = await huge;
      clearInterval(sampler);
      expect(other.body).toBe('small');
      expect(res.status).toBe(502);
      expect(JSON.parse(res.body.toString())).toMatchObject({ error: 'zap_answer_too_large' });
      // The old listener held all 256 MiB (twice, while concatenating).
      expect(peakBuffers - before.arrayBuffers).toBeLessThan(64 * 1024 * 1024);
      expect(peakRss - before.rss).toBeLessThan(160 * 1024 * 1024);
      expect(hugeSent).toBeLessThan(HUGE);
      expect(gw.logs.some((l) => l.includes('/huge') && l.includes('answered 502'))).toBe(true);
    } finally {
      conn.close();
    }
  });

  it("drops the peer's X-Forwarded-For: the backend sees the peer's own address", async () => {
    const conn = await ZapConnection.dial('127.0.0.1', zapPort, 'xff-peer');
    try {
      const res = await overZap(conn, '/xff', [['X-Forwarded-For', '203.0.113.7'], ['X-Real-IP', '203.0.113.8']]);
      expect(res.body.toString()).toBe('127.0.0.1');
    } finally {
      conn.close();
    }
  });

  it('a per-IP rate limit counts the ZAP peer, whatever X-Forwarded-For it states', async () => {
    const conn = await ZapConnection.dial('127.0.0.1', zapPort, 'rate-peer');
    try {
      const first = await overZap(conn, '/limited', [['X-Forwarded-For', '198.51.100.1']]);
      const second = await overZap(conn, '/limited', [['X-Forwarded-For', '198.51.100.2']]);
      expect([first.status, second.status]).toEqual([200, 429]);
    } finally {
      conn.close();
    }
  });

  it(`refuses a streamed answer past ${MAX_OPEN_STREAMS} open streams (503), and takes one again once a stream ends`, async () => {
    const conn = await ZapConnection.dial('127.0.0.1', zapPort, 'streamer');
    const open = (connId: string) =>
      conn.call(encodeForward({ isAdmin: false, permissions: 0n, tenantId: '', userId: '', method: 'GET', path: '/sse', connId, headers: [], body: Buffer.alloc(0) }), 30_000).then((m) => decodeForwardResponse(m).status);
    const cancel = (connId: string) => conn.send(encodePush({ connId, frame: Buffer.alloc(0), encoding: 'cancel' }));
    try {
      const opened = await Promise.all(Array.from({ length: MAX_OPEN_STREAMS }, (_, i) => open(`s${i}`)));
      expect(opened.every((status) => status === 200)).toBe(true);
      expect(await open('one-too-many')).toBe(503);
      // Another client is still served meanwhile: whole answers do not need a stream.
      expect((await request(`${gw.url}/small`)).body).toBe('small');
      await cancel('s0');
      // Polled, not timed: the cancelled stream's slot comes back.
      let status = 503;
      for (let i = 0; status === 503; i++) status = await open(`again-${i}`);
      expect(status).toBe(200);
    } finally {
      conn.close();
    }
  });

  it('ZAP-HTTP: streams an answer larger than one 64 MiB frame as head, data and end frames, memory bounded', async () => {
    // Live memory, not garbage: V8 collects dropped buffers when external memory grows by tens of MiB, so
    // a sample without a collection first counts chunks already sent. Each sample collects first.
    const live = () => {
      gc();
      return process.memoryUsage().arrayBuffers;
    };
    const before = live();
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, live())), 20);
    const got = await new Promise<{ status: number; bytes: number; types: Set<number> }>((resolve, reject) => {
      const decoder = createZapHttpFrameDecoder();
      const frame = encodeZapHttpRequest({ method: 'GET', target: '/big', headers: [['Host', 'gw']], body: Buffer.alloc(0) });
      const head = Buffer.alloc(4);
      head.writeUInt32BE(frame.length, 0);
      const socket = connect(zapHttpPort, '127.0.0.1', () => socket.write(Buffer.concat([head, frame])));
      let status = 0;
      let bytes = 0;
      const types = new Set<number>();
      socket.on('data', (d: Buffer) => {
        decoder.push(d);
        for (let m = decoder.next(); m !== undefined; m = decoder.next()) {
          const type = zapHttpMessageType(m);
          types.add(type);
          if (type === ZAP_HTTP_RESPONSE_HEAD) status = decodeZapHttpResponseHead(m).status;
          else if (type === ZAP_HTTP_DATA) bytes += decodeZapHttpData(m).length;
          else if (type === ZAP_HTTP_END) {
            socket.end();
            resolve({ status, bytes, types });
          }
        }
      });
      socket.on('error', reject);
    });
    clearInterval(sampler);
    expect([got.status, got.bytes]).toEqual([200, BIG]);
    expect([...got.types].sort()).toEqual([ZAP_HTTP_RESPONSE_HEAD, ZAP_HTTP_DATA, ZAP_HTTP_END].sort());
    expect(peak - before).toBeLessThan(48 * 1024 * 1024);
  });
});
