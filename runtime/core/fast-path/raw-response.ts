import { EventEmitter } from 'node:events';
import type { OutgoingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { renderHead, type RenderedHead } from './response-head.js';

/**
 * The part of ServerResponse a fast-path-ready handler uses (fast-path-ready.ts),
 * writing straight to the socket: the head rendered as Node renders it
 * (response-head.ts) and sent with the first body bytes, bodies of unknown
 * length in chunked framing, nothing after the head for HEAD / 204 / 304.
 * `write` answers the socket's back-pressure and `drain` follows the
 * socket's. Events as ServerResponse emits them: `finish` once the last byte
 * is handed to the kernel, then `close`; `close` alone when the connection
 * ends first.
 */
export interface ResponseOwner {
  /** The answer is out (its last write completed); `last`: the connection must close. */
  responseFinished(res: RawResponse, last: boolean): void;
}

const CRLF = '\r\n';
const LAST_CHUNK = '0\r\n\r\n';
const EMPTY = Buffer.alloc(0);
/** Bodies up to this size are copied behind their head (one buffer, one write); larger ones are corked. */
const JOIN_LIMIT = 16 * 1024;

export class RawResponse extends EventEmitter {
  statusCode = 200;
  /** Read when the head is rendered, as Node reads it. */
  shouldKeepAlive: boolean;
  finished = false;
  writableEnded = false;
  destroyed = false;
  private head: RenderedHead | null = null;
  private headSent = false;
  private closed = false;
  private waitingDrain = false;

  constructor(
    private readonly socket: Socket,
    private readonly owner: ResponseOwner,
    private readonly isHead: boolean,
    keepAlive: boolean,
    private readonly keepAliveTimeoutMs: number,
  ) {
    super();
    this.shouldKeepAlive = keepAlive;
  }

  get headersSent(): boolean {
    return this.head !== null;
  }

  /** Headers are only ever given to writeHead here, never set one by one. */
  getHeaderNames(): string[] {
    return [];
  }

  writeHead(status: number, reasonOrHeaders?: string | readonly unknown[] | OutgoingHttpHeaders, headers?: readonly unknown[] | OutgoingHttpHeaders): this {
    if (this.head !== null) throw Object.assign(new Error('Cannot write headers after they are sent to the client'), { code: 'ERR_HTTP_HEADERS_SENT' });
    const given = typeof reasonOrHeaders === 'string' ? headers : reasonOrHeaders;
    this.head = renderHead(status, given, { keepAlive: this.shouldKeepAlive, keepAliveTimeoutMs: this.keepAliveTimeoutMs, hasBody: !this.isHead });
    this.statusCode = status;
    return this;
  }

  flushHeaders(): void {
    if (this.head === null) this.writeHead(this.statusCode);
    if (!this.headSent) this.send(null, false);
  }

  write(chunk: Buffer): boolean {
    if (this.writableEnded || this.destroyed) return false;
    if (this.head === null) this.writeHead(this.statusCode);
    if (!this.head!.hasBody || chunk.length === 0) return true;
    const flowing = this.send(chunk, false);
    if (!flowing && !this.waitingDrain) {
      this.waitingDrain = true;
      this.socket.once('drain', this.onSocketDrain);
    }
    return flowing;
  }

  end(chunk?: Buffer): this {
    if (this.writableEnded) return this;
    if (this.head === null) this.writeHead(this.statusCode);
    this.writableEnded = true;
    if (this.destroyed) return this;
    this.send(chunk !== undefined && chunk.length > 0 && this.head!.hasBody ? chunk : null, true);
    return this;
  }

  destroy(): this {
    if (!this.destroyed) {
      this.destroyed = true;
      this.socket.destroy();
    }
    return this;
  }

  /** The connection ended before the answer was out (or after, when closing it): `close`, once. */
  connectionClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.destroyed = true;
    this.emit('close');
  }

  /** One socket write (corked pieces for a large body): the head if not yet sent, the body in its framing, the end of the body. */
  private send(body: Buffer | null, last: boolean): boolean {
    const head = this.head!;
    const prefix = this.headSent ? '' : head.text;
    this.headSent = true;
    const open = head.chunked && body !== null ? `${body.length.toString(16)}${CRLF}` : '';
    const close = (head.chunked && body !== null ? CRLF : '') + (last && head.chunked && head.hasBody ? LAST_CHUNK : '');
    const done = last ? this.onLastWrite : undefined;
    const socket = this.socket;
    // The client went (or its FIN made us end our side): nothing more can be written; `close` follows.
    if (!socket.writable) return false;
    if (body === null) {
      const text = prefix + close;
      if (text.length === 0) {
        if (done) socket.write(EMPTY, done);
        return true;
      }
      return socket.write(text, 'latin1', done);
    }
    if (body.length <= JOIN_LIMIT) return socket.write(joined(prefix + open, body, close), done);
    // A large body is not copied to sit behind its head: the pieces are corked into one write instead.
    socket.cork();
    if (prefix.length + open.length > 0) socket.write(prefix + open, 'latin1');
    let flowing = socket.write(body, close.length === 0 ? done : undefined);
    if (close.length > 0) flowing = socket.write(close, 'latin1', done);
    socket.uncork();
    return flowing;
  }

  private readonly onLastWrite = (err?: Error | null): void => {
    if (err || this.closed) return;
    this.finished = true;
    this.emit('finish');
    this.owner.responseFinished(this, this.head!.last);
    process.nextTick(() => this.connectionClosed());
  };

  private readonly onSocketDrain = (): void => {
    this.waitingDrain = false;
    this.emit('drain');
  };
}

/** latin1 text, a body, latin1 text: one buffer, so the head leaves with the body in one write. */
function joined(before: string, body: Buffer, after: string): Buffer {
  if (before.length === 0 && after.length === 0) return body;
  const out = Buffer.allocUnsafe(before.length + body.length + after.length);
  out.write(before, 0, 'latin1');
  body.copy(out, before.length);
  if (after.length > 0) out.write(after, before.length + body.length, 'latin1');
  return out;
}
