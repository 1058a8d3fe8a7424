import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import type { IncomingMessage } from 'node:http';
import { base } from '../helpers/check.js';
import { startRuntime } from '../helpers/gateway.js';
import { startServer, type TestServer } from '../helpers/servers.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, requestTimeoutMs } from '../../runtime/core/server.js';
import { until } from './hostile-kit.js';

/**
 * A client that sends its body slowly (or stops half-way) cannot hold a
 * backend connection longer than the time allowed to send a request:
 * `read_timeout`, enforced within about a second, or 5 minutes when it is 0.
 */
let backend: TestServer;
const received: IncomingMessage[] = [];
const ended: IncomingMessage[] = [];

beforeAll(async () => {
  backend = await startServer((req, res) => {
    received.push(req);
    req.resume();
    req.on('close', () => ended.push(req));
    req.on('end', () => res.end('ok'));
  });
});
afterAll(() => backend.close());

describe('a client that stops sending its body', () => {
  it('is cut at read_timeout and the backend call ends with it', async () => {
    const gw = await startRuntime(
      base([{ endpoint: '/upload', method: 'POST', output_encoding: 'no-op', timeout: '60s', backend: [{ url_pattern: '/', host: [backend.url] }] }], { read_timeout: '1s' }),
    );
    const socket = connect(gw.port, '127.0.0.1');
    try {
      await new Promise<void>((r) => socket.once('connect', () => r()));
      socket.write('POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 1000000\r\n\r\nfirst bytes');
      await until(() => received.length > 0, 'the call at the backend');
      const call = received[received.length - 1]!;
      // The gateway gives up on the client after read_timeout, which ends the streamed upload to the backend.
      await until(() => ended.includes(call), 'the backend call to end', 15_000);
    } finally {
      socket.destroy();
      await gw.close();
    }
  });

  it('is bounded at 5 minutes when read_timeout is 0 (Go: no bound)', () => {
    expect(requestTimeoutMs(0)).toBe(DEFAULT_REQUEST_TIMEOUT_MS);
    expect(DEFAULT_REQUEST_TIMEOUT_MS).toBe(300_000);
    expect(requestTimeoutMs(2500)).toBe(2500);
  });
});
