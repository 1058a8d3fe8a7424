import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { createServer as createHttp2Server, type Http2Server, type Http2ServerRequest, type Http2ServerResponse, type ServerHttp2Session } from 'node:http2';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/**
 * `use_h2c`: HTTP/2 without TLS (prior knowledge, as Go's h2c handler takes
 * it) on the same port as HTTP/1.1. A plain TCP listener reads the first
 * bytes of each connection: the HTTP/2 preface goes to an HTTP/2 server,
 * anything else to the HTTP/1.1 one, with the bytes read put back. HTTP/2
 * requests reach the gateway through Node's compatibility API, adapted so
 * the rest of the gateway sees what HTTP/1.1 gives it: a `Host` header from
 * `:authority`, no pseudo-headers, and answers whose HTTP/1-only headers
 * (`Connection`, `Transfer-Encoding`, …) are dropped, as Go's HTTP/2 server
 * drops them. (`Upgrade: h2c` from HTTP/1.1 is not taken; Go's handler
 * takes it, but clients with h2c support send the preface.)
 */
const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n');

/** Response headers HTTP/2 forbids (RFC 9113 §8.2.2). */
const CONNECTION_HEADERS = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

export interface H2cFront {
  /** The listener: accepts TCP and hands each connection to HTTP/1.1 or HTTP/2. */
  listener: NetServer;
  /** Sends GOAWAY on every HTTP/2 connection: running streams finish, new ones go elsewhere. */
  closeSessions(): void;
  /** Closes every HTTP/2 connection now. */
  destroySessions(): void;
}

export function createH2cFront(
  http1: Server,
  onRequest: (req: IncomingMessage, res: ServerResponse) => void,
  options: { maxHeaderBytes: number; prefaceTimeoutMs: number },
): H2cFront {
  const sessions = new Set<ServerHttp2Session>();
  const http2: Http2Server = createHttp2Server({ settings: { maxHeaderListSize: options.maxHeaderBytes } }, (req, res) => {
    asHttp1Request(req);
    asHttp1Response(res);
    onRequest(req as unknown as IncomingMessage, res as unknown as ServerResponse);
  });
  http2.on('session', (session: ServerHttp2Session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  const listener = createNetServer({ noDelay: true }, (socket) => route(socket, http1, http2, options.prefaceTimeoutMs));
  return {
    listener,
    closeSessions: () => {
      for (const s of sessions) s.close();
    },
    destroySessions: () => {
      for (const s of sessions) s.destroy();
    },
  };
}

function route(socket: Socket, http1: Server, http2: Http2Server, timeoutMs: number): void {
  let head: Buffer = Buffer.alloc(0);
  // A connection that sends nothing is not kept waiting longer than a request's headers would be.
  const timer = setTimeout(() => socket.destroy(), timeoutMs);
  const onData = (chunk: Buffer) => {
    head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
    // Undecided only while what came is a strict prefix of the preface: at most 15 bytes held.
    if (head.length < PREFACE.length && PREFACE.subarray(0, head.length).equals(head)) return;
    clearTimeout(timer);
    socket.off('data', onData);
    socket.off('error', onError);
    socket.pause();
    socket.unshift(head);
    if (head.subarray(0, PREFACE.length).equals(PREFACE)) {
      // Node's HTTP/2 session reads bytes already buffered on the socket itself; resuming would lose them.
      http2.emit('connection', socket);
    } else {
      http1.emit('connection', socket);
      socket.resume();
    }
  };
  const onError = () => {
    clearTimeout(timer);
    socket.destroy();
  };
  socket.on('data', onData);
  socket.on('error', onError);
  socket.once('close', () => clearTimeout(timer));
}

/** `Host` from `:authority`, pseudo-headers out of `rawHeaders` and `headers`. */
function asHttp1Request(req: Http2ServerRequest): void {
  const raw = req.rawHeaders;
  const rawHeaders: string[] = [];
  const authority = req.headers[':authority'];
  let host = false;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.charCodeAt(0) === 58 /* : */) continue;
    if (raw[i]!.toLowerCase() === 'host') host = true;
    rawHeaders.push(raw[i]!, raw[i + 1]!);
  }
  const headers: Record<string, string | string[] | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) if (k.charCodeAt(0) !== 58) headers[k] = v;
  if (!host && typeof authority === 'string') {
    rawHeaders.unshift('Host', authority);
    headers.host = authority;
  }
  Object.defineProperty(req, 'rawHeaders', { value: rawHeaders });
  Object.defineProperty(req, 'headers', { value: headers });
}

/** Drops HTTP/1-only headers instead of throwing on them, whichever way they are written. */
function asHttp1Response(res: Http2ServerResponse): void {
  const setHeader = res.setHeader.bind(res);
  res.setHeader = ((name: string, value: number | string | readonly string[]) => (CONNECTION_HEADERS.has(name.toLowerCase()) ? res : setHeader(name, value))) as typeof res.setHeader;
  const writeHead = res.writeHead.bind(res) as (status: number, ...rest: unknown[]) => Http2ServerResponse;
  res.writeHead = ((status: number, ...rest: unknown[]) => writeHead(status, ...rest.map((a) => (typeof a === 'string' ? a : allowedHeaders(a))))) as typeof res.writeHead;
}

function allowedHeaders(headers: unknown): unknown {
  if (headers === undefined || headers === null) return headers;
  if (Array.isArray(headers)) {
    // [[name, value], …] or the flat [name, value, name, value, …] form.
    if (headers.length > 0 && Array.isArray(headers[0])) return (headers as Array<[string, unknown]>).filter(([k]) => !CONNECTION_HEADERS.has(String(k).toLowerCase()));
    const out: unknown[] = [];
    for (let i = 0; i < headers.length; i += 2) if (!CONNECTION_HEADERS.has(String(headers[i]).toLowerCase())) out.push(headers[i], headers[i + 1]);
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(headers as Record<string, unknown>)) if (!CONNECTION_HEADERS.has(k.toLowerCase())) out[k] = v;
  return out;
}
