import { createServer, isIP, type Server, type Socket } from 'node:net';
import type { Logger } from '../shared/log/logger.js';
import { hostAndPort } from '../shared/go/split-host-port.js';
import {
  createZapHttpFrameDecoder, decodeZapHttpRequest, encodeZapHttpData, encodeZapHttpEnd, encodeZapHttpResponse, encodeZapHttpResponseHead, type ZapHttpWireRequest,
} from './wire/zap-http-codec.js';
import { pushEncodingFor, PUSH_SSE } from './wire/push-stream-rules.js';
import type { GatewayDispatch, OpenedResponse } from './gateway-dispatch.js';

/**
 * The Go gateway's loopback ZAP-HTTP listener (`GATEWAY_ZAP_LISTEN`, spec C7):
 * zap-proto/http frames (big-endian length, one request then one response per
 * turn, kept alive) served by the whole handler chain. Only loopback
 * host:port values are honoured; a malformed frame gets a 400 and the
 * connection closes. Each request is logged as `[ZAP-WIRE] <method> <path> <status>`.
 * The peer (the TLS terminator, or a local client) is the client address the
 * handler chain sees. Request frames are read whole (64 MiB cap, one at a
 * time: the socket is paused while a request is served); answers stream
 * (see `answer`), so no answer is held whole.
 */
/** Answers that end within this many bytes go out as one response frame. */
const WHOLE_ANSWER_MAX = 1024 * 1024;
const DATA_CHUNK = 1024 * 1024;
const DISABLED = new Set(['', 'off', 'OFF', 'Off', 'false', '0']);

/** The address to listen on, or undefined when the value disables it or is not loopback host:port. */
export function zapHttpListenAddress(value: string | undefined): { host: string; port: number } | undefined {
  if (value === undefined || DISABLED.has(value)) return undefined;
  const address = hostAndPort(value);
  if (!address) return undefined;
  const { host } = address;
  const loopback = host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
  return loopback ? address : undefined;
}

export async function startZapHttpListener(addr: { host: string; port: number }, dispatch: GatewayDispatch, log: Logger): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((socket) => serveConnection(socket, dispatch, log));
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
    },
  };
}

function serveConnection(socket: Socket, dispatch: GatewayDispatch, log: Logger): void {
  const decoder = createZapHttpFrameDecoder();
  let busy = false;
  const next = (): void => {
    while (!busy) {
      let frame: Buffer | undefined;
      let req: ZapHttpWireRequest;
      try {
        frame = decoder.next();
        if (frame === undefined) return void socket.resume();
        req = decodeZapHttpRequest(frame);
      } catch (e) {
        reject(socket, (e as Error).message);
        return;
      }
      // One request at a time, as zap-proto/http: what the peer sends meanwhile waits in its socket, not here.
      busy = true;
      socket.pause();
      void answer(socket, dispatch, log, req).finally(() => {
        busy = false;
        next();
      });
    }
  };
  socket.on('data', (chunk: Buffer) => {
    decoder.push(chunk);
    next();
  });
  socket.on('error', () => socket.destroy());
}

/**
 * One answer. An answer that ends within WHOLE_ANSWER_MAX bytes goes out as a
 * single response frame (what a Go handler that never flushes produces);
 * a longer one, and any event stream, as a head frame, a data frame per chunk
 * (each written once the socket takes more) and an end frame — so no answer
 * is held whole. A failure before the head is a 500 frame; after it the
 * connection is closed (the peer sees the answer cut short).
 */
async function answer(socket: Socket, dispatch: GatewayDispatch, log: Logger, req: ZapHttpWireRequest): Promise<void> {
  const what = `[ZAP-WIRE] ${req.method || 'GET'} ${req.target}`;
  let res: OpenedResponse;
  try {
    res = await dispatch.open({ method: req.method, target: req.target, headers: req.headers, body: req.body }, socket.remoteAddress);
  } catch (e) {
    log.error(`${what}: ${(e as Error).message}; answered 500`);
    writeFrame(socket, encodeZapHttpResponse({ status: 500, headers: [['Content-Type', 'text/plain; charset=utf-8']], body: Buffer.from((e as Error).message) }));
    return;
  }
  log.info(`${what} ${res.status}`);
  const eventStream = pushEncodingFor(res.headers.find(([k]) => k.toLowerCase() === 'content-type')?.[1]) === PUSH_SSE;
  const body = res.body[Symbol.asyncIterator]();
  const held: Buffer[] = [];
  let size = 0;
  try {
    if (!eventStream) {
      for (let step = await body.next(); ; step = await body.next()) {
        if (step.done) {
          writeFrame(socket, encodeZapHttpResponse({ status: res.status, headers: res.headers, body: Buffer.concat(held, size) }));
          return;
        }
        held.push(step.value);
        size += step.value.length;
        if (size > WHOLE_ANSWER_MAX) break;
      }
    }
    await writeFlowing(socket, encodeZapHttpResponseHead({ status: res.status, headers: res.headers }));
    for (const chunk of held.splice(0)) await writeData(socket, chunk);
    for (let step = await body.next(); !step.done; step = await body.next()) await writeData(socket, step.value);
    await writeFlowing(socket, encodeZapHttpEnd());
  } catch (e) {
    res.body.destroy();
    log.error(`${what}: answer cut off: ${(e as Error).message}`);
    socket.destroy();
  }
}

async function writeData(socket: Socket, chunk: Buffer): Promise<void> {
  for (let at = 0; at < chunk.length; at += DATA_CHUNK) await writeFlowing(socket, encodeZapHttpData(chunk.subarray(at, at + DATA_CHUNK)));
}

function writeFrame(socket: Socket, message: Buffer): boolean {
  if (socket.destroyed) return false;
  const head = Buffer.alloc(4);
  head.writeUInt32BE(message.length, 0);
  socket.cork();
  socket.write(head);
  const flowing = socket.write(message);
  socket.uncork();
  return flowing;
}

/** Write a frame; resolves once the socket takes more, rejects when it closes first. */
function writeFlowing(socket: Socket, message: Buffer): Promise<void> {
  if (socket.destroyed) return Promise.reject(new Error('the peer closed the connection'));
  if (writeFrame(socket, message)) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const onDrain = (): void => {
      socket.off('close', onClose);
      resolve();
    };
    const onClose = (): void => {
      socket.off('drain', onDrain);
      reject(new Error('the peer closed the connection'));
    };
    socket.once('drain', onDrain);
    socket.once('close', onClose);
  });
}

function reject(socket: Socket, why: string): void {
  writeFrame(socket, encodeZapHttpResponse({ status: 400, headers: [['Content-Type', 'text/plain; charset=utf-8']], body: Buffer.from(`malformed ZAP-HTTP request: ${why}`) }));
  socket.end();
}
