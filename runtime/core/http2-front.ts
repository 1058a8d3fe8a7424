import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer, type TLSSocket, type TlsOptions } from 'node:tls';
import { createServer as createHttp2Server, type Http2Server, type Http2ServerRequest, type Http2ServerResponse, type ServerHttp2Session } from 'node:http2';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/**
 * HTTP/2 beside HTTP/1.1 on one port, with a listener in front that hands
 * each connection to node:http2 or node:http:
 * - over TLS (service `tls`), by ALPN — `h2` or `http/1.1` — as Go's
 *   net/http serves HTTPS;
 * - in clear (`use_h2c`), by the first bytes: the HTTP/2 preface (prior
 *   knowledge, as Go's h2c handler takes it) or anything else, with the
 *   bytes read put back. (`Upgrade: h2c` from HTTP/1.1 is not taken; clients
 *   with h2c support send the preface.)
 * HTTP/2 requests reach the gateway through Node's compatibility API, adapted
 * so the rest of the gateway sees what HTTP/1.1 gives it: a `Host` header from
 * `:authority`, no pseudo-headers, and answers whose HTTP/1-only headers
 * (`Connection`, `Transfer-Encoding`, …) are dropped, as Go's HTTP/2 server
 * drops them.
 */
const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n');

/** Response headers HTTP/2 forbids (RFC 9113 §8.2.2). */
const CONNECTION_HEADERS = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

export interface Http2Front {
  /** The listener: accepts connections and hands each to HTTP/1.1 or HTTP/2. */
  listener: NetServer;
  /** Sends GOAWAY on every HTTP/2 connection: running streams finish, new ones go elsewhere. */
  closeSessions(): void;
  /** Closes every HTTP/2 connection now. */
  destroySessions(): void;
}

export interface FrontOptions {
  maxHeaderBytes: number;
  /** How long a connection may take to show what it speaks (the preface, the TLS handshake). */
  prefaceTimeoutMs: number;
  /** An HTTP/2 connection without traffic this long is closed (`idle_timeout`, as HTTP/1.1's keep-alive). */
  idleTimeoutMs: number;
}

/** `use_h2c`: a TCP listener that routes by the first bytes. */
export function createH2cFront(http1: Server, onRequest: (req: IncomingMessage, res: ServerResponse) => void, options: FrontOptions): Http2Front {
  const { http2, sessions } = http2Server(onRequest, options);
  const listener = createNetServer({ noDelay: true }, (socket) => route(socket, http1, http2, options.prefaceTimeoutMs));
  return front(listener, sessions);
}

/** Service `tls`: a TLS listener that offers `h2` and `http/1.1` by ALPN and routes by the choice. */
export function createTlsFront(http1: Server, onRequest: (req: IncomingMessage, res: ServerResponse) => void, tls: TlsOptions, options: FrontOptions): Http2Front & { listener: TlsServer } {
  const { http2, sessions } = http2Server(onRequest, options);
  const listener = createTlsServer({ ...tls, ALPNProtocols: ['h2', 'http/1.1'], handshakeTimeout: options.prefaceTimeoutMs }, (socket: TLSSocket) => {
    socket.setNoDelay(true);
    // A client without ALPN (most HTTP/1.1 clients) speaks HTTP/1.1.
    (socket.alpnProtocol === 'h2' ? http2 : http1).emit('connection', socket);
  });
  // The handshake failed (an untrusted client certificate, no shared version): nothing to answer.
  listener.on('tlsClientError', (_e, socket) => socket.destroy());
  return front(listener, sessions) as Http2Front & { listener: TlsServer };
}

function http2Server(onRequest: (req: IncomingMessage, res: ServerResponse) => void, options: FrontOptions): { http2: Http2Server; sessions: Set<ServerHttp2Session> } {
  const sessions = new Set<ServerHttp2Session>();
  const http2: Http2Server = createHttp2Server(
    {
      // Go's HTTP/2 server: 250 concurrent streams per connection, headers bounded by bytes (as HTTP/1.1's
      // maxHeaderSize), not by count beyond HTTP/1.1's 2000 lines.
      settings: { maxHeaderListSize: options.maxHeaderBytes, maxConcurrentStreams: 250 },
      maxHeaderListPairs: 2000,
    },
    (req, res) => {
      asHttp1Request(req);
      asHttp1Response(res);
      onRequest(req as unknown as IncomingMessage, res as unknown as ServerResponse);
    },
  );
  http2.on('session', (session: ServerHttp2Session) => {
    sessions.add(session);
    session.setTimeout(options.idleTimeoutMs, () => session.close());
    session.once('close', () => sessions.delete(session));
  });
  return { http2, sessions };
}

function front(listener: NetServer, sessions: Set<ServerHttp2Session>): Http2Front {
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

/**
 * `Host` from `:authority`, pseudo-headers out of `rawHeaders` and `headers`,
 * and a body without `content-length` (HTTP/2 needs none) marked as HTTP/1.1
 * marks a body of unknown length — `Transfer-Encoding: chunked` — so the
 * gateway reads it (Go: ContentLength -1).
 */
function asHttp1Request(req: Http2ServerRequest): void {
  const raw = req.rawHeaders;
  const rawHeaders: string[] = [];
  const authority = req.headers[':authority'];
  let host = false;
  let length = false;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (name.charCodeAt(0) === 58 /* : */ || name === 'transfer-encoding') continue;
    if (name === 'host') host = true;
    else if (name === 'content-length') length = true;
    rawHeaders.push(raw[i]!, raw[i + 1]!);
  }
  const headers: Record<string, string | string[] | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) if (k.charCodeAt(0) !== 58 && k !== 'transfer-encoding') headers[k] = v;
  if (!host && typeof authority === 'string') {
    rawHeaders.unshift('Host', authority);
    headers.host = authority;
  }
  // The HEADERS frame ended the stream: no body. Otherwise one follows, of the declared length or not.
  if (!length && !req.stream.endAfterHeaders) {
    rawHeaders.push('Transfer-Encoding', 'chunked');
    headers['transfer-encoding'] = 'chunked';
  }
  // Node's HTTP/1 request also has headersDistinct (every line of a name, in order); the identity strip and
  // minting edit it, so the HTTP/2 request gets one built from the same lines.
  const headersDistinct: Record<string, string[]> = {};
  for (let i = 0; i < rawHeaders.length; i += 2) (headersDistinct[rawHeaders[i]!.toLowerCase()] ??= []).push(rawHeaders[i + 1]!);
  Object.defineProperty(req, 'rawHeaders', { value: rawHeaders });
  Object.defineProperty(req, 'headers', { value: headers });
  Object.defineProperty(req, 'headersDistinct', { value: headersDistinct });
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
