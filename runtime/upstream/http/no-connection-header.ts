import type { Socket } from 'node:net';
import { buildConnector } from 'undici';

/**
 * undici writes `connection: keep-alive` on every request. Go's client (and so
 * Lura) sends no Connection header on a kept-alive HTTP/1.1 request, and
 * backends that echo headers (KrakenD's own suite does) see the difference.
 * HTTP/1.1 connections persist by default, so the line carries nothing: we
 * drop it from the request head as it is written. undici writes each head as
 * one latin1 string that starts with the request line and has the
 * connection line before any caller header, so the first match is that line.
 * A test against a real echo server guards this against undici changes.
 */
const KEEP_ALIVE_LINE = '\r\nconnection: keep-alive\r\n';

export function connectorWithoutConnectionHeader(options: buildConnector.BuildOptions): buildConnector.connector {
  const connect = buildConnector(options);
  return (opts, callback) =>
    connect(opts, (err, socket) => {
      if (err || !socket) {
        callback(err, null);
        return;
      }
      stripKeepAliveLine(socket as Socket);
      callback(null, socket);
    });
}

function stripKeepAliveLine(socket: Socket): void {
  const write = socket.write;
  socket.write = function (this: Socket, chunk: unknown, ...rest: unknown[]) {
    // Request heads start with the method; chunk frames start with CRLF and bodies are Buffers.
    if (typeof chunk === 'string' && chunk.charCodeAt(0) !== 13) {
      const at = chunk.indexOf(KEEP_ALIVE_LINE);
      if (at !== -1) chunk = chunk.slice(0, at + 2) + chunk.slice(at + KEEP_ALIVE_LINE.length);
    }
    return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
  } as Socket['write'];
}
