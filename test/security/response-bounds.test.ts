import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import type { ServerResponse } from 'node:http';
import { base } from '../helpers/check.js';
import { startRuntime } from '../helpers/gateway.js';
import { request, startServer, type TestServer } from '../helpers/servers.js';
import { until } from './hostile-kit.js';
import { bufferBody } from '../../runtime/shared/upstream/synthetic-response.js';

/**
 * Backend answers the gateway holds or inflates are bounded: a gzip bomb on a
 * decoding endpoint fails at the 32 MiB held-response bound (inflated or
 * already gzipped), a bomb streamed to a client that does not read is held
 * back by back-pressure instead of piling up in memory, and no listener leak
 * warning appears — while another client is served. Memory is sampled (RSS of
 * this process, which runs the gateway) during each attack.
 */
const MiB = 1024 * 1024;
/** 16 MiB of zeros, gzipped: about 16 KB on the wire. */
const MEMBER = gzipSync(Buffer.alloc(16 * MiB), { level: 9 });
/** 32 members: half a GiB once inflated. */
const MEMBERS = 32;
/** What the attack may add to this process's RSS (the bounds are 32 MiB held, socket buffers streamed). */
const RSS_ALLOWANCE = 200 * MiB;

let bomb: TestServer;
/** What the bomb backend saw: compressed bytes handed to its socket, responses the gateway hung up. */
const sent = { closed: 0, written: 0 };
let small: TestServer;
let gw: Awaited<ReturnType<typeof startRuntime>>;

/** Writes the gzip members with back-pressure, as a real server would; counts what left and whether the gateway hung up. */
async function sendBomb(res: ServerResponse, state: { closed: number; written: number }): Promise<void> {
  res.on('close', () => state.closed++);
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
  for (let i = 0; i < MEMBERS && !res.destroyed; i++) {
    if (!res.write(MEMBER)) {
      await new Promise<void>((resolve) => {
        const go = () => {
          res.off('drain', go).off('close', go);
          resolve();
        };
        res.on('drain', go).on('close', go);
      });
    }
    state.written += MEMBER.length;
  }
  res.end();
}

beforeAll(async () => {
  bomb = await startServer((_req, res) => void sendBomb(res, sent));
  small = await startServer((_req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}'));
  gw = await startRuntime(
    base([
      { endpoint: '/decoded', backend: [{ url_pattern: '/', host: [bomb.url] }] },
      { endpoint: '/decoded-client-gzip', input_headers: ['Accept-Encoding'], backend: [{ url_pattern: '/', host: [bomb.url] }] },
      { endpoint: '/streamed', output_encoding: 'no-op', timeout: '30s', backend: [{ url_pattern: '/', host: [bomb.url] }] },
      { endpoint: '/small', backend: [{ url_pattern: '/', host: [small.url] }] },
    ]),
  );
});
afterAll(async () => {
  await gw.close();
  await bomb.close();
  await small.close();
});

/** Runs `attack` while sampling RSS every 10 ms; resolves with the growth over the baseline. */
async function rssGrowthDuring(attack: () => Promise<void>): Promise<number> {
  global.gc?.();
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 10);
  try {
    await attack();
  } finally {
    clearInterval(sampler);
  }
  peak = Math.max(peak, process.memoryUsage.rss());
  return peak - baseline;
}

describe('a gzip bomb from a backend', () => {
  it.each(['/decoded', '/decoded-client-gzip'])('on a decoding endpoint (%s) fails at the held-response bound, and the gateway hangs up', async (path) => {
    const closedBefore = sent.closed;
    let answer = 0;
    const growth = await rssGrowthDuring(async () => {
      const attack = request(`${gw.url}${path}`, { headers: { 'accept-encoding': 'gzip' } });
      // Another client is served while the bomb is being handled.
      expect((await request(`${gw.url}/small`)).status).toBe(200);
      answer = (await attack).status;
    });
    expect(answer).toBe(500);
    expect(growth).toBeLessThan(RSS_ALLOWANCE);
    await until(() => sent.closed > closedBefore, 'the backend call to end');
  });

  it('streamed to a client that does not read is held back by back-pressure, with no listener leak', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    const socket = connect(gw.port, '127.0.0.1');
    const closedBefore = sent.closed;
    try {
      const writtenBefore = sent.written;
      const growth = await rssGrowthDuring(async () => {
        await new Promise<void>((r) => socket.once('connect', () => r()));
        socket.write('GET /streamed HTTP/1.1\r\nHost: a\r\n\r\n');
        socket.pause(); // read nothing: the client's receive window fills and stays full
        await until(() => sent.written > writtenBefore, 'the bomb to start');
        // Meanwhile others are served; then give the gateway a moment to (not) run ahead of the client.
        for (let i = 0; i < 20; i++) expect((await request(`${gw.url}/small`)).status).toBe(200);
        await new Promise((r) => setTimeout(r, 1000));
      });
      expect(growth).toBeLessThan(RSS_ALLOWANCE);
      expect(warnings).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
      socket.destroy();
    }
    await until(() => sent.closed > closedBefore, 'the backend call to end once the client left');
  });
});

describe('a broken gzip body from a backend', () => {
  it('fails the call with the inflater\'s error, not at the endpoint timeout', async () => {
    const whole = gzipSync(Buffer.from('{"a":1}'.repeat(1000)));
    const truncated = await startServer((_req, res) => res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }).end(whole.subarray(0, whole.length - 12)));
    const g = await startRuntime(base([{ endpoint: '/cut', timeout: '3s', backend: [{ url_pattern: '/', host: [truncated.url] }] }], { extra_config: { router: { return_error_msg: true } } }));
    try {
      const res = await request(`${g.url}/cut`);
      expect(res.status).toBe(500);
      expect(res.body).toMatch(/^gzip: /);
    } finally {
      await g.close();
      await truncated.close();
    }
  });
});

describe('a request body held for a replay (base_ha, base-network, zap, plugins)', () => {
  it('is read to 32 MiB at most, then the call fails with the 413 error', async () => {
    let produced = 0;
    async function* endless(): AsyncGenerator<Buffer> {
      const chunk = Buffer.alloc(MiB);
      for (;;) {
        produced += chunk.length;
        yield chunk;
      }
    }
    await expect(bufferBody(endless())).rejects.toMatchObject({ code: 'HGW_PAYLOAD_TOO_LARGE' });
    expect(produced).toBeLessThanOrEqual(33 * MiB);
    expect((await bufferBody((async function* () { yield Buffer.from('ok'); })()))!.toString()).toBe('ok');
  });
});
