import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import { pipeline, type Duplex } from 'node:stream';
import { firstRequestHeader } from '../shared/headers/request-header-lines.js';
import type { Logger } from '../shared/log/logger.js';
import { writeHeadLines } from '../core/responses.js';
import type { ForwardedRequest } from './forwarded-request.js';
import type { RelayPolicy } from './reverse-proxy.js';

/**
 * An Upgrade request (WebSocket, h2c…) on a host route, as Go's ReverseProxy
 * handles it: the request goes on with `Connection: Upgrade` and its
 * `Upgrade` value; a 101 from the backend is copied to the client verbatim
 * and the two connections are joined byte for byte until either side ends.
 * A backend that answers anything else is relayed as a plain response, and
 * one that cannot be reached is a 502.
 */
export interface UpgradeSocket {
  socket: Duplex;
  /** Bytes the client sent after its request head, owed to the backend. */
  head: Buffer;
}

export function tunnelUpgrade(
  req: IncomingMessage,
  res: ServerResponse,
  client: UpgradeSocket,
  fwd: ForwardedRequest,
  policy: RelayPolicy,
  log: Logger,
): void {
  const url = new URL(fwd.origin);
  const upgrade = firstRequestHeader(req, 'upgrade') || 'websocket';
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const out = send({
    protocol: url.protocol,
    hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
    port: url.port === '' ? undefined : Number(url.port),
    method: req.method,
    path: fwd.path,
    // With headers as lines Node adds no Host of its own: the backend's, unless the policy kept the client's.
    headers: [...(hasHost(fwd.headers) ? [] : ['Host', url.host]), ...fwd.headers, 'Connection', 'Upgrade', 'Upgrade', upgrade],
    agent: false,
  });
  const clientGone = () => out.destroy();
  client.socket.once('close', clientGone);

  out.on('upgrade', (answer: IncomingMessage, backend: Socket, backendHead: Buffer) => {
    client.socket.off('close', clientGone);
    res.detachSocket(client.socket as Socket);
    const lines = [`HTTP/1.1 101 ${answer.statusMessage || 'Switching Protocols'}`];
    for (let i = 0; i + 1 < answer.rawHeaders.length; i += 2) lines.push(`${answer.rawHeaders[i]}: ${answer.rawHeaders[i + 1]}`);
    client.socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (backendHead.length > 0) client.socket.write(backendHead);
    if (client.head.length > 0) backend.write(client.head);
    join(client.socket, backend);
  });
  out.on('response', (answer: IncomingMessage) => {
    // The backend declined to switch: an ordinary answer, relayed; the connection closes after it.
    // Either side failing mid-body ends both (the client-close handler stays on for that).
    writeHeadLines(res, answer.statusCode ?? 502, policy.responseHeaders(answer.rawHeaders));
    pipeline(answer, res, (err) => {
      if (err) {
        out.destroy();
        client.socket.destroy();
      }
    });
  });
  out.on('error', (err) => {
    client.socket.off('close', clientGone);
    if (res.headersSent || client.socket.destroyed) {
      client.socket.destroy();
      return;
    }
    log.error(`http: proxy error: ${req.method} ${fwd.origin}${fwd.path} (upgrade ${upgrade}): ${err.message}`);
    policy.badGateway(res);
  });
  out.end();
}

function hasHost(lines: readonly string[]): boolean {
  for (let i = 0; i < lines.length; i += 2) if (lines[i]!.toLowerCase() === 'host') return true;
  return false;
}

/** Bytes both ways; an end or error on either side ends the other. */
function join(a: Duplex, b: Duplex): void {
  const closeBoth = () => {
    a.destroy();
    b.destroy();
  };
  a.on('error', closeBoth);
  b.on('error', closeBoth);
  a.on('close', closeBoth);
  b.on('close', closeBoth);
  a.pipe(b);
  b.pipe(a);
}
