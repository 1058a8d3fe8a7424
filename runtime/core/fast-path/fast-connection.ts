import { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { HeadParser, type RequestHead } from './head-parser.js';
import { fastBodyLength } from './head-screen.js';
import type { FastRoute, FastRoutes } from './fast-routes.js';
import { RawResponse, type ResponseOwner } from './raw-response.js';

/**
 * One client connection on the fast path, one request at a time: a head is
 * parsed (head-parser.ts), screened (head-screen.ts) and routed
 * (fast-routes.ts); a request the fast path takes runs its endpoint handler
 * with a real IncomingMessage (Node's own header semantics, its body pushed
 * here with back-pressure) and a RawResponse. Bytes that arrive while an
 * answer is running wait (pipelining keeps its order; past PIPELINE_LIMIT the
 * socket pauses). The first head the fast path does not take — or one llhttp
 * refuses — hands the connection to node:http with every byte from that
 * head's first byte on put back, and the connection stays there.
 *
 * Time bounds, checked by the listener's once-a-second sweep as node:http
 * checks its own: a head must be complete within `headersTimeoutMs` of its
 * first byte (of the connection, for the first), a request with its body
 * within `requestTimeoutMs` (else 408, or a close when the answer has
 * started); a kept-alive connection idle for `keepAliveTimeoutMs` is closed.
 */
export interface FastHost {
  readonly routes: FastRoutes;
  readonly maxHeaderBytes: number;
  readonly keepAliveTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  /** False while leaving or draining: node:http answers those requests (Connection: close, 503). */
  accepting(): boolean;
  serve(req: IncomingMessage, res: RawResponse, route: FastRoute): void;
  handOver(socket: Socket): void;
  forget(conn: FastConnection): void;
}

/** Pipelined bytes held while an answer runs before the socket is paused. */
const PIPELINE_LIMIT = 64 * 1024;

const REQUEST_TIMEOUT_ANSWER = 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n';
const BAD_REQUEST_ANSWER = 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n';

const enum Phase {
  /** Reading a head (or waiting for one). */
  Head,
  /** The head was taken; its body is still arriving. */
  Body,
  /** The request is whole; its answer runs. */
  Wait,
  /** Handed over or closed: nothing more here. */
  Gone,
}

export class FastConnection implements ResponseOwner {
  private phase = Phase.Head;
  private readonly parser: HeadParser;
  /** The current head's bytes given to the parser so far, kept for a hand-over. */
  private headBytes: Buffer[] = [];
  /** Bytes received and not yet parsed or taken as body. */
  private queue: Buffer[] = [];
  private queued = 0;
  private req: IncomingMessage | null = null;
  private res: RawResponse | null = null;
  private bodyLeft = 0;
  /** The answer finished before the body arrived: the rest of the body is read and dropped (node:http's _dump). */
  private discard = false;
  /** A kept-alive connection between requests: the idle limit applies, not the head one. */
  private idle = false;
  /** When the current head started (the connection's start for the first), or the connection went idle; ms. */
  private since = Date.now();
  private released = false;

  constructor(
    private readonly socket: Socket,
    private readonly host: FastHost,
  ) {
    this.parser = new HeadParser(host.maxHeaderBytes);
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
  }

  /** The listener's sweep: the head, request and idle time limits. */
  check(now: number): void {
    if (this.phase === Phase.Head) {
      if (this.idle) {
        if (this.queued === 0 && now - this.since > this.host.keepAliveTimeoutMs) this.socket.destroy();
      } else if (now - this.since > this.host.headersTimeoutMs) this.timeOut();
    } else if (this.phase === Phase.Body && now - this.since > this.host.requestTimeoutMs) {
      this.timeOut();
    }
  }

  /** Closes a kept-alive connection that has no request begun on it. */
  closeIfIdle(): void {
    if (this.phase === Phase.Head && this.idle && this.queued === 0 && this.headBytes.length === 0) this.socket.destroy();
  }

  /** Closes the connection now (the end of a drain). */
  destroy(): void {
    this.socket.destroy();
  }

  responseFinished(res: RawResponse, last: boolean): void {
    if (res !== this.res || this.phase === Phase.Gone) return;
    this.res = null;
    if (last) {
      // Node's destroySoon: the answer is out, the connection closes.
      this.phase = Phase.Gone;
      this.socket.end(() => this.socket.destroy());
      return;
    }
    if (this.phase === Phase.Body) {
      this.discard = true;
      this.socket.resume();
      return;
    }
    this.req = null;
    this.toIdle();
    this.pump();
  }

  private readonly onData = (chunk: Buffer): void => {
    if (this.phase === Phase.Gone) return;
    this.queue.push(chunk);
    this.queued += chunk.length;
    this.pump();
  };

  /** Works through the queued bytes as far as the phase allows. */
  private pump(): void {
    while (this.queue.length > 0) {
      if (this.phase === Phase.Body) {
        this.takeBody();
        continue;
      }
      if (this.phase !== Phase.Head) {
        if (this.phase === Phase.Wait && this.queued > PIPELINE_LIMIT) this.socket.pause();
        return;
      }
      const chunk = this.queue.shift()!;
      this.queued -= chunk.length;
      if (this.idle) {
        this.idle = false;
        this.since = Date.now();
      }
      this.headBytes.push(chunk);
      const used = this.parser.execute(chunk);
      if (used instanceof Error) {
        this.handOver();
        return;
      }
      if (used < 0) continue;
      const head = this.parser.head!;
      const length = fastBodyLength(head);
      const route = length < 0 || !this.host.accepting() ? undefined : this.host.routes.match(head.method, head.url);
      if (route === undefined) {
        this.handOver();
        return;
      }
      if (used < chunk.length) {
        this.queue.unshift(chunk.subarray(used));
        this.queued += chunk.length - used;
      }
      this.headBytes = [];
      this.parser.reset();
      this.start(head, length, route);
    }
    // Everything queued is used: a socket paused for pipelining reads on (a body's back-pressure is the request's to lift).
    if (this.phase === Phase.Head && this.socket.isPaused()) this.socket.resume();
  }

  private start(head: RequestHead, length: number, route: FastRoute): void {
    const req = new IncomingMessage(this.socket);
    req.httpVersionMajor = 1;
    req.httpVersionMinor = 1;
    req.httpVersion = '1.1';
    req.method = head.method;
    req.url = head.url;
    (req as IncomingMessage & { _addHeaderLines(h: string[], n: number): void })._addHeaderLines(head.rawHeaders, head.rawHeaders.length);
    const res = new RawResponse(this.socket, this, req, head.keepAlive, this.host.keepAliveTimeoutMs);
    this.req = req;
    this.res = res;
    this.discard = false;
    if (length === 0) {
      req.complete = true;
      req.push(null);
      this.phase = Phase.Wait;
    } else {
      this.bodyLeft = length;
      this.phase = Phase.Body;
      // A body that came whole with its head is in the request before the handler runs, as node:http's
      // parser pushes it within the same execute(): the handler then sends it on in one write instead of
      // streaming it. A body still arriving streams, with back-pressure.
      while (this.phase === Phase.Body && this.queued >= this.bodyLeft) this.takeBody();
    }
    this.host.serve(req, res, route);
  }

  /** The next piece of the body from the queue, to the request (or dropped); its end makes the request whole. */
  private takeBody(): void {
    const chunk = this.queue[0]!;
    const n = Math.min(chunk.length, this.bodyLeft);
    const piece = n === chunk.length ? chunk : chunk.subarray(0, n);
    if (n === chunk.length) this.queue.shift();
    else this.queue[0] = chunk.subarray(n);
    this.queued -= n;
    this.bodyLeft -= n;
    const req = this.req!;
    // The request's reader lifts this pause: IncomingMessage's _read resumes its socket.
    if (!this.discard && !req.push(piece)) this.socket.pause();
    if (this.bodyLeft > 0) return;
    if (!this.discard) {
      req.complete = true;
      req.push(null);
    }
    if (this.res === null) {
      this.req = null;
      this.toIdle();
    } else {
      this.phase = Phase.Wait;
    }
  }

  private toIdle(): void {
    this.phase = Phase.Head;
    this.idle = true;
    this.since = Date.now();
  }

  /** node:http takes the connection from the current head's first byte on, and keeps it. */
  private handOver(): void {
    const bytes = this.headBytes.concat(this.queue);
    this.release();
    this.socket.pause();
    if (bytes.length > 0) this.socket.unshift(bytes.length === 1 ? bytes[0]! : Buffer.concat(bytes));
    this.host.handOver(this.socket);
    this.socket.resume();
  }

  /** Stops listening to the socket and gives up the parser; the socket itself is left as it is. */
  private release(): void {
    if (this.released) return;
    this.released = true;
    this.phase = Phase.Gone;
    this.headBytes = [];
    this.queue = [];
    this.queued = 0;
    this.socket.off('data', this.onData);
    this.socket.off('end', this.onEnd);
    this.socket.off('error', this.onError);
    this.socket.off('close', this.onClose);
    this.parser.close();
    this.host.forget(this);
  }

  /** A time limit passed: 408 as node:http answers it, or a close when the answer already started. */
  private timeOut(): void {
    const answered = this.res?.headersSent === true;
    this.phase = Phase.Gone;
    if (answered || !this.socket.writable) this.socket.destroy();
    else this.socket.end(REQUEST_TIMEOUT_ANSWER, () => this.socket.destroy());
  }

  /**
   * The client closed its side. As node:http (which allows no half-open
   * HTTP): a request cut short — a partial head, a body still owed, a
   * pipelined head begun — is a 400 unless an answer started (then the
   * connection just closes); otherwise anything running is abandoned and our
   * side closes too.
   */
  private readonly onEnd = (): void => {
    if (this.phase === Phase.Gone) return;
    let cut: boolean;
    if (this.phase === Phase.Head) cut = this.headBytes.length > 0 && this.parser.finish() !== undefined;
    else if (this.phase === Phase.Body) cut = true;
    else cut = this.queued > 0 && this.pipelinedCutShort();
    const answered = this.res?.headersSent === true;
    this.phase = Phase.Gone;
    if (cut && !answered && this.socket.writable) this.socket.end(BAD_REQUEST_ANSWER, () => this.socket.destroy());
    else if (cut) this.socket.destroy();
    else this.socket.end();
  };

  /** Whether the bytes queued behind a running request end inside a head, as node:http's parser (which read them already) would find at EOF. */
  private pipelinedCutShort(): boolean {
    for (const chunk of this.queue) {
      const used = this.parser.execute(chunk);
      if (used instanceof Error) return true;
      if (used >= 0) return false;
    }
    return this.parser.finish() !== undefined;
  }

  private readonly onError = (): void => {
    this.socket.destroy();
  };

  private readonly onClose = (): void => {
    const req = this.req;
    const res = this.res;
    this.req = null;
    this.res = null;
    this.release();
    if (req !== null && !req.complete) req.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
    res?.connectionClosed();
  };
}
