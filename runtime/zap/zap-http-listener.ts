import { createServer, isIP, type Server, type Socket } from 'node:net';
import type { Logger } from '../core/logger.js';
import { encodeHeaderPairs } from './wire/header-pair-block.js';
import { decodeZapHttpRequest, encodeZapHttpResponse, ZAP_HTTP_MAX_FRAME } from './wire/zap-http-codec.js';
import { AnswerTooLargeError, GatewayLoopback } from './gateway-loopback.js';

/**
 * The Go gateway's loopback ZAP-HTTP listener (`GATEWAY_ZAP_LISTEN`, spec C7):
 * zap-proto/http frames (big-endian length, one request then one response per
 * turn, kept alive) served by the whole handler chain. Only loopback
 * host:port values are honoured; a malformed frame gets a 400 and the
 * connection closes. Each request is logged as `[ZAP-WIRE] <method> <path> <status>`.
 * The peer (the TLS terminator, or a local client) is the client address the
 * handler chain sees; an answer that would not fit one 64 MiB frame is cut
 * off there and answered 502, logged.
 */
const MAX_FRAME = ZAP_HTTP_MAX_FRAME;
/** Room for the message header, the 48-byte object and the reason and proto texts. */
const RESPONSE_OVERHEAD = 1024;
const DISABLED = new Set(['', 'off', 'OFF', 'Off', 'false', '0']);

/** The address to listen on, or undefined when the value disables it or is not loopback host:port. */
export function zapHttpListenAddress(value: string | undefined): { host: string; port: number } | undefined {
  if (value === undefined || DISABLED.has(value)) return undefined;
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(value);
  if (!m) return undefined;
  const host = m[1] ?? m[2]!;
  const loopback = host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
  return loopback ? { host, port: Number(m[3]) } : undefined;
}

export async function startZapHttpListener(addr: { host: string; port: number }, gatewayPort: number, log: Logger): Promise<{ port: number; close(): Promise<void> }> {
  const loopback = new GatewayLoopback(gatewayPort);
  const server: Server = createServer((socket) => serveConnection(socket, loopback, log));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(addr.port, addr.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as { port: number }).port;
  log.info(`[ZAP-WIRE] ZAP-HTTP listening on ${addr.host}:${port}`);
  return {
    port,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await loopback.close();
    },
  };
}

function serveConnection(socket: Socket, loopback: GatewayLoopback, log: Logger): void {
  let buffered: Buffer = Buffer.alloc(0);
  let busy = false;
  const next = (): void => {
    if (busy || buffered.length < 4) return;
    const length = buffered.readUInt32BE(0);
    if (length === 0 || length > MAX_FRAME) {
      reject(socket, `frame length ${length}`);
      return;
    }
    if (buffered.length < 4 + length) return;
    const frame = buffered.subarray(4, 4 + length);
    buffered = buffered.subarray(4 + length);
    let req;
    try {
      req = decodeZapHttpRequest(frame);
    } catch (e) {
      reject(socket, (e as Error).message);
      return;
    }
    busy = true;
    loopback
      .serve({ method: req.method, target: req.target, headers: req.headers, body: req.body }, socket.remoteAddress, (headers) => MAX_FRAME - RESPONSE_OVERHEAD - encodeHeaderPairs(headers).length)
      .then(
        (res) => {
          log.info(`[ZAP-WIRE] ${req.method || 'GET'} ${req.target} ${res.status}`);
          writeFrame(socket, encodeZapHttpResponse({ status: res.status, headers: res.headers, body: res.body }));
        },
        (e: Error) => {
          const status = e instanceof AnswerTooLargeError ? 502 : 500;
          log.error(`[ZAP-WIRE] ${req.method || 'GET'} ${req.target}: ${e.message}; answered ${status}`);
          writeFrame(socket, encodeZapHttpResponse({ status, headers: [['Content-Type', 'text/plain; charset=utf-8']], body: Buffer.from(e.message) }));
        },
      )
      .finally(() => {
        busy = false;
        next();
      });
  };
  socket.on('data', (chunk: Buffer) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    next();
  });
  socket.on('error', () => socket.destroy());
}

function writeFrame(socket: Socket, message: Buffer): void {
  if (socket.destroyed) return;
  const head = Buffer.alloc(4);
  head.writeUInt32BE(message.length, 0);
  socket.write(Buffer.concat([head, message]));
}

function reject(socket: Socket, why: string): void {
  writeFrame(socket, encodeZapHttpResponse({ status: 400, headers: [['Content-Type', 'text/plain; charset=utf-8']], body: Buffer.from(`malformed ZAP-HTTP request: ${why}`) }));
  socket.end();
}
