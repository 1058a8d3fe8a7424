import { EventEmitter } from 'node:events';
import { validateHeaderName, validateHeaderValue, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { renderHead, type GivenHeaders, type RenderedHead } from './response-head.js';

/**
 * The part of ServerResponse that fast-path-ready handlers and middleware use
 * (fast-path-ready.ts), writing straight to the socket: headers set one by one
 * and merged with writeHead's as Node merges them, the head rendered as Node
 * renders it (response-head.ts) and sent with the first body bytes, bodies of unknown
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
  statusMessage: string | undefined = undefined;
  /** Read when the head is rendered, as Node reads it. */
  shouldKeepAlive: boolean;
  sendDate = true;
  finished = false;
  writableEnded = false;
  destroyed = false;
  /** The request being answered (ServerResponse's `req`). */
  readonly req: IncomingMessage;
  private head: RenderedHead | null = null;
  private headSent = false;
  private closed = false;
  private waitingDrain = false;
  /** Headers set one by one (setHeader), lower-case name → [name as given, value], in Node's order. */
  private out: Map<string, [string, unknown]> | null = null;
  private removed: { connection: boolean; contentLength: boolean; transferEncoding: boolean } | undefined;
  /** The body's length when `end(body)` writes the head (Node's `_contentLength`). */
  private contentLength: number | null = null;

  constructor(
    private readonly socket: Socket,
    private readonly owner: ResponseOwner,
    req: IncomingMessage,
    keepAlive: boolean,
    private readonly keepAliveTimeoutMs: number,
  ) {
    super();
    this.req = req;
    this.shouldKeepAlive = keepAlive;
  }

  get headersSent(): boolean {
    return this.head !== null;
  }

  get writableFinished(): boolean {
    return this.finished;
  }

  setHeader(name: string, value: unknown): this {
    this.refuseIfSent('set');
    validateHeaderName(name);
    validateHeaderValue(name, value as string);
    (this.out ??= new Map()).set(name.toLowerCase(), [name, value]);
    return this;
  }

  appendHeader(name: string, value: unknown): this {
    this.refuseIfSent('append');
    validateHeaderName(name);
    validateHeaderValue(name, value as string);
    const entry = this.out?.get(name.toLowerCase());
    if (entry === undefined) return this.setHeader(name, value);
    if (!Array.isArray(entry[1])) entry[1] = [entry[1]];
    const values = entry[1] as unknown[];
    if (Array.isArray(value)) for (const v of value) values.push(v);
    else values.push(value);
    return this;
  }

  getHeader(name: string): unknown {
    return this.out?.get(name.toLowerCase())?.[1];
  }

  hasHeader(name: string): boolean {
    return this.out?.has(name.toLowerCase()) === true;
  }

  getHeaderNames(): string[] {
    return this.out === null ? [] : [...this.out.keys()];
  }

  removeHeader(name: string): void {
    this.refuseIfSent('remove');
    const key = name.toLowerCase();
    const removed = (this.removed ??= { connection: false, contentLength: false, transferEncoding: false });
    if (key === 'connection') removed.connection = true;
    else if (key === 'content-length') removed.contentLength = true;
    else if (key === 'transfer-encoding') removed.transferEncoding = true;
    else if (key === 'date') this.sendDate = false;
    this.out?.delete(key);
  }

  /** As ServerResponse's: headers given here join those set before (given names replace theirs, repeats kept). */
  writeHead(status: number, reasonOrHeaders?: string | GivenHeaders, headers?: GivenHeaders): this {
    if (this.head !== null) throw Object.assign(new Error('Cannot write headers after they are sent to the client'), { code: 'ERR_HTTP_HEADERS_SENT' });
    let given: GivenHeaders | undefined;
    if (typeof reasonOrHeaders === 'string') {
      this.statusMessage = reasonOrHeaders;
      given = headers;
    } else {
      given = reasonOrHeaders;
    }
    const stored = this.out !== null;
    if (stored && given) this.merge(given);
    this.head = renderHead(status, stored ? this.out!.values() : given, stored, {
      keepAlive: this.shouldKeepAlive,
      keepAliveTimeoutMs: this.keepAliveTimeoutMs,
      hasBody: this.req.method !== 'HEAD',
      reason: this.statusMessage,
      contentLength: this.contentLength,
      sendDate: this.sendDate,
      removed: this.removed,
    });
    this.statusCode = status;
    return this;
  }

  flushHeaders(): void {
    if (this.head === null) this.writeHead(this.statusCode);
    if (!this.headSent) this.send(null, false);
  }

  write(chunk: Buffer | string): boolean {
    if (this.writableEnded || this.destroyed) return false;
    if (this.head === null) this.writeHead(this.statusCode);
    const body = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (!this.head!.hasBody || body.length === 0) return true;
    const flowing = this.send(body, false);
    if (!flowing && !this.waitingDrain) {
      this.waitingDrain = true;
      this.socket.once('drain', this.onSocketDrain);
    }
    return flowing;
  }

  end(chunk?: Buffer | string): this {
    if (this.writableEnded) return this;
    const body = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (this.head === null) {
      // As Node: a head written by end() states the body's length.
      this.contentLength = body === undefined ? 0 : body.length;
      this.writeHead(this.statusCode);
    }
    this.writableEnded = true;
    if (this.destroyed) return this;
    this.send(body !== undefined && body.length > 0 && this.head!.hasBody ? body : null, true);
    return this;
  }

  destroy(): this {
    if (!this.destroyed) {
      this.destroyed = true;
      this.socket.destroy();
    }
    return this;
  }

  /** writeHead's headers after setHeader ones, as Node merges them: a list replaces the names it carries and keeps its repeats; an object sets each. */
  private merge(given: GivenHeaders): void {
    if (Array.isArray(given)) {
      const pairs = given.length > 0 && Array.isArray(given[0]);
      const name = (i: number) => String(pairs ? (given[i] as [string, unknown])[0] : given[i]);
      const value = (i: number) => (pairs ? (given[i] as [string, unknown])[1] : given[i + 1]);
      const step = pairs ? 1 : 2;
      for (let i = 0; i < given.length; i += step) this.out!.delete(name(i).toLowerCase());
      for (let i = 0; i < given.length; i += step) if (name(i)) this.appendHeader(name(i), value(i));
    } else {
      for (const key of Object.keys(given)) if (key) this.setHeader(key, (given as Record<string, unknown>)[key]);
    }
  }

  private refuseIfSent(what: string): void {
    if (this.head !== null) throw Object.assign(new Error(`Cannot ${what} headers after they are sent to the client`), { code: 'ERR_HTTP_HEADERS_SENT' });
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
