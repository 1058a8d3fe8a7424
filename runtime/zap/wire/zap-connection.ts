import { EventEmitter } from 'node:events';
import net from 'node:net';
import { framePrefix, type FrameDecoder } from './length-prefixed-frames.js';
import { decodeHandshake, handshakeFrame, HandshakeError } from './node-handshake.js';
import { callFrameHead, CALL_REQUEST, CALL_RESPONSE, createNodeFrameDecoder, NODE_FRAME_RULES, NODE_MAX_CALL_MESSAGE, parseNodePayload } from './node-framing.js';
import { parseZapMessage } from './zap-message.js';

/**
 * One luxfi/zap node connection (spec C2) over a TCP socket: the node-ID
 * handshake, then correlated calls both ways on the same socket. The Go node
 * has no error frame, so a request whose handler fails or returns nothing
 * gets no reply and the caller's own timeout ends the call; a response that
 * arrives after that is dropped. Anything that cannot be framed or is not a
 * ZAP message closes this connection (never throws out of the process).
 *
 * Written here rather than taken from @zap-proto/zap: its ZapClient only
 * dials, only sends its own capability envelope, cannot answer requests, has
 * no accept side and sends a version-2 handshake where C2 shows version 1.
 *
 * Events:
 *   'close' (cause?: Error)                 — once, after the socket closed; pending calls are rejected first.
 *   'handlerError' (err: unknown, reqId)    — the request handler threw, rejected or returned a non-Buffer; no reply was sent.
 *   'message' (message: Buffer)             — a plain (uncorrelated) one-way ZAP message from the peer.
 */

export type ZapRequestHandler = (message: Buffer) => Promise<Buffer | undefined> | Buffer | undefined;

export interface ZapDialOptions {
  /** TCP connect timeout (Go: 5 s). */
  connectTimeoutMs?: number;
  /** Wait for the peer's handshake after sending ours (default 10 s). */
  handshakeTimeoutMs?: number;
}

export interface ZapAcceptOptions {
  /** Wait for the dialer's handshake (Go: 10 s read deadline). */
  handshakeTimeoutMs?: number;
  /**
   * Asked with the dialer's node id before replying; false closes the socket
   * without a reply (what a Go node does for a peer it is already connected to).
   */
  admitPeer?: (peerId: string) => boolean;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;

interface PendingCall {
  resolve: (message: Buffer) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export class ZapConnection extends EventEmitter {
  private readonly pending = new Map<number, PendingCall>();
  private nextReqId = 1;
  private handler: ZapRequestHandler | undefined;
  private ended = false;
  private closeEmitted = false;
  private cause: Error | undefined;
  /** Writes are being held for the end of this turn of the event loop (holdWrites). */
  private corked = false;
  /** The peer's IP as the socket saw it ('' when the socket had none). */
  readonly remoteAddress: string;

  private constructor(
    private readonly socket: net.Socket,
    private readonly decoder: FrameDecoder,
    readonly peerId: string,
  ) {
    super();
    this.remoteAddress = socket.remoteAddress ?? '';
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => {
      this.cause ??= err;
    });
    socket.once('close', () => this.onSocketClosed());
    if (socket.destroyed) {
      setImmediate(() => this.onSocketClosed());
      return;
    }
    // Frames that came in with the handshake, and the socket itself, wait one
    // turn of the event loop so the owner can set a request handler first.
    setImmediate(() => {
      if (this.ended) return;
      this.drainFrames();
      if (!this.ended) socket.resume();
    });
  }

  /** Dial `host:port`, send our handshake, read the peer's. */
  static async dial(host: string, port: number, nodeId: string, opts: ZapDialOptions = {}): Promise<ZapConnection> {
    const ownHandshake = handshakeFrame(nodeId);
    const connectTimeoutMs = opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect({ host, port, noDelay: true });
      const timer = setTimeout(() => {
        s.destroy();
        reject(new Error(`ZAP dial ${host}:${port} timed out after ${connectTimeoutMs} ms`));
      }, connectTimeoutMs);
      s.once('error', (err) => {
        clearTimeout(timer);
        reject(new Error(`ZAP dial ${host}:${port} failed: ${err.message}`, { cause: err }));
      });
      s.once('connect', () => {
        clearTimeout(timer);
        resolve(s);
      });
    });
    const decoder = createNodeFrameDecoder();
    socket.write(ownHandshake);
    const peerId = await readPeerHandshake(socket, decoder, opts.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS, `${host}:${port}`);
    return new ZapConnection(socket, decoder, peerId);
  }

  /** Read the dialer's handshake from an accepted socket and reply with ours. */
  static async accept(socket: net.Socket, nodeId: string, opts: ZapAcceptOptions = {}): Promise<ZapConnection> {
    let ownHandshake: Buffer;
    try {
      ownHandshake = handshakeFrame(nodeId);
    } catch (err) {
      socket.destroy();
      throw err;
    }
    socket.setNoDelay(true);
    const decoder = createNodeFrameDecoder();
    const where = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    const peerId = await readPeerHandshake(socket, decoder, opts.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS, where);
    if (opts.admitPeer !== undefined && !opts.admitPeer(peerId)) {
      socket.destroy();
      throw new HandshakeError(`ZAP peer ${JSON.stringify(peerId)} from ${where} is already connected; closed without reply`);
    }
    socket.write(ownHandshake);
    return new ZapConnection(socket, decoder, peerId);
  }

  /** True once the connection is closing or closed; calls are refused. */
  get closed(): boolean {
    return this.ended;
  }

  /** Bytes written to the socket and not yet sent (how far the peer is behind). */
  get bufferedBytes(): number {
    return this.socket.writableLength;
  }

  /** Pending calls awaiting a response. */
  get pendingCalls(): number {
    return this.pending.size;
  }

  /**
   * Send `message` (a ZAP message) as a request and resolve with the peer's
   * response message. Rejects on timeout (nothing is sent to the peer; a
   * late response is dropped) and when the connection closes.
   */
  call(message: Buffer, timeoutMs: number): Promise<Buffer> {
    if (this.ended) return Promise.reject(new Error(`ZAP connection to ${this.peerId} is closed`));
    if (message.length > NODE_MAX_CALL_MESSAGE) {
      return Promise.reject(new RangeError(`ZAP call message of ${message.length} bytes exceeds the ${NODE_MAX_CALL_MESSAGE}-byte limit of a 10 MiB frame`));
    }
    const reqId = this.allocateReqId();
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(reqId);
        reject(new Error(`ZAP call ${reqId} to ${this.peerId} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(reqId, { resolve, reject, timer });
      this.writeCall(reqId, CALL_REQUEST, message);
    });
  }

  /**
   * Send a plain one-way ZAP message (a Push). Resolves once the socket will
   * take more (after 'drain' when its buffer is full), so a sender that
   * awaits each send is held back by the peer's reading; rejects when the
   * connection closes first or the message cannot fit a frame.
   */
  send(message: Buffer): Promise<void> {
    if (this.ended) return Promise.reject(new Error(`ZAP connection to ${this.peerId} is closed`));
    let prefix: Buffer;
    try {
      prefix = framePrefix(NODE_FRAME_RULES, message.length);
    } catch (err) {
      return Promise.reject(err as Error);
    }
    this.holdWrites();
    this.socket.write(prefix);
    if (this.socket.write(message)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const onDrain = (): void => {
        this.off('close', onClose);
        resolve();
      };
      const onClose = (): void => {
        this.socket.off('drain', onDrain);
        reject(new Error(`ZAP connection to ${this.peerId} closed`));
      };
      this.socket.once('drain', onDrain);
      this.once('close', onClose);
    });
  }

  /** Handle incoming requests; a returned Buffer is the response, undefined means no reply. */
  setRequestHandler(handler: ZapRequestHandler): void {
    this.handler = handler;
  }

  close(): void {
    this.terminate(undefined);
  }

  private allocateReqId(): number {
    for (;;) {
      const id = this.nextReqId;
      this.nextReqId = id >= 0xffffffff ? 1 : id + 1;
      if (!this.pending.has(id)) return id;
    }
  }

  private writeCall(reqId: number, flag: typeof CALL_REQUEST | typeof CALL_RESPONSE, message: Buffer): void {
    this.holdWrites();
    this.socket.write(callFrameHead(reqId, flag, message.length));
    if (message.length > 0) this.socket.write(message);
  }

  /**
   * Frames written in one turn of the event loop leave together: the socket
   * is corked at the first and uncorked once the turn's I/O callbacks have
   * run (setImmediate). Many calls share one connection, so under load one
   * system call carries the frames of many calls, where one per frame made
   * the transport cost more than an HTTP connection per request.
   */
  private holdWrites(): void {
    if (this.corked) return;
    this.corked = true;
    this.socket.cork();
    setImmediate(this.releaseWrites);
  }

  private readonly releaseWrites = (): void => {
    if (!this.corked) return;
    this.corked = false;
    this.socket.uncork();
  };

  private onData(chunk: Buffer): void {
    if (this.ended) return;
    this.decoder.push(chunk);
    if (!this.socket.isPaused()) this.drainFrames();
  }

  private drainFrames(): void {
    while (!this.ended) {
      let frame: Buffer | undefined;
      try {
        frame = this.decoder.next();
      } catch (err) {
        this.terminate(err as Error);
        return;
      }
      if (frame === undefined) return;
      this.onFrame(frame);
    }
  }

  private onFrame(payload: Buffer): void {
    const parsed = parseNodePayload(payload);
    try {
      parseZapMessage(parsed.message, `ZAP ${parsed.kind} message from ${this.peerId}`);
    } catch (err) {
      this.terminate(err as Error);
      return;
    }
    if (parsed.kind === 'response') {
      const call = this.pending.get(parsed.reqId);
      if (call === undefined) return; // timed out already, or never ours
      this.pending.delete(parsed.reqId);
      clearTimeout(call.timer);
      call.resolve(parsed.message);
    } else if (parsed.kind === 'request') {
      this.onRequest(parsed.reqId, parsed.message);
    } else {
      this.emit('message', parsed.message);
    }
  }

  private onRequest(reqId: number, message: Buffer): void {
    const handler = this.handler;
    if (handler === undefined) return; // Go: no handler for the type → dropped, the caller times out
    let result: ReturnType<ZapRequestHandler>;
    try {
      result = handler(message);
    } catch (err) {
      this.emit('handlerError', err, reqId);
      return;
    }
    Promise.resolve(result).then(
      (reply) => {
        if (reply === undefined) return;
        if (!Buffer.isBuffer(reply)) {
          this.emit('handlerError', new TypeError('ZAP request handler returned neither a Buffer nor undefined'), reqId);
          return;
        }
        if (reply.length > NODE_MAX_CALL_MESSAGE) {
          this.emit('handlerError', new RangeError(`ZAP response of ${reply.length} bytes exceeds the ${NODE_MAX_CALL_MESSAGE}-byte limit of a 10 MiB frame`), reqId);
          return;
        }
        if (!this.ended) this.writeCall(reqId, CALL_RESPONSE, reply);
      },
      (err: unknown) => {
        this.emit('handlerError', err, reqId);
      },
    );
  }

  /** Stop: reject pending calls, destroy the socket; 'close' follows when the socket is closed. */
  private terminate(cause: Error | undefined): void {
    if (cause !== undefined) this.cause ??= cause;
    if (this.ended) return;
    this.ended = true;
    const reason = new Error(
      `ZAP connection to ${this.peerId} closed${this.cause === undefined ? '' : `: ${this.cause.message}`}`,
      this.cause === undefined ? undefined : { cause: this.cause },
    );
    for (const [, call] of this.pending) {
      clearTimeout(call.timer);
      call.reject(reason);
    }
    this.pending.clear();
    // Frames held for this turn (a last answer, an end Push) still go out, as they did when written at once.
    this.releaseWrites();
    this.socket.destroy();
  }

  private onSocketClosed(): void {
    this.terminate(undefined);
    if (this.closeEmitted) return;
    this.closeEmitted = true;
    this.emit('close', this.cause);
  }
}

export interface ZapNodeServerOptions {
  /** Wait for each dialer's handshake (Go: 10 s). */
  handshakeTimeoutMs?: number;
}

/**
 * A TCP server that accepts luxfi/zap node connections as `nodeId`: each
 * dialer is handshaken, then handed to `onConnection`. Like a Go node it keeps
 * one connection per peer id: a dialer whose id is already connected (or
 * still handshaking) is closed without a reply. A failed handshake just
 * closes that socket. Closing the server also closes its ZAP connections
 * (otherwise `server.close()` would wait for peers to hang up).
 */
export function createZapNodeServer(nodeId: string, onConnection: (c: ZapConnection) => void, opts: ZapNodeServerOptions = {}): net.Server {
  handshakeFrame(nodeId); // refuse a bad node id now, not on the first dialer
  const peers = new Map<string, ZapConnection | 'handshaking'>();
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    let reserved: string | undefined;
    const acceptOpts: ZapAcceptOptions = {
      admitPeer: (peerId) => {
        if (peers.has(peerId)) return false;
        peers.set(peerId, 'handshaking');
        reserved = peerId;
        return true;
      },
    };
    if (opts.handshakeTimeoutMs !== undefined) acceptOpts.handshakeTimeoutMs = opts.handshakeTimeoutMs;
    ZapConnection.accept(socket, nodeId, acceptOpts).then(
      (conn) => {
        const release = (): void => {
          if (peers.get(conn.peerId) === conn) peers.delete(conn.peerId);
        };
        peers.set(conn.peerId, conn);
        conn.once('close', release);
        if (conn.closed) release();
        onConnection(conn);
      },
      () => {
        if (reserved !== undefined && peers.get(reserved) === 'handshaking') peers.delete(reserved);
      },
    );
  });
  const closeServer = server.close.bind(server);
  server.close = (callback?: (err?: Error) => void): net.Server => {
    closeServer(callback);
    for (const socket of sockets) {
      // Frames a connection holds for the end of this turn (its last answers) leave first.
      while (socket.writableCorked > 0) socket.uncork();
      socket.destroy();
    }
    return server;
  };
  return server;
}

/**
 * Read the first frame (the peer's handshake) and leave the socket paused
 * with anything after it still in `decoder`. Destroys the socket on failure.
 */
function readPeerHandshake(socket: net.Socket, decoder: FrameDecoder, timeoutMs: number, where: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let settled = false;
    const finish = (err: Error | undefined, peerId?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.pause();
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
      if (err !== undefined) {
        socket.destroy();
        reject(err);
      } else {
        resolve(peerId ?? '');
      }
    };
    const onData = (chunk: Buffer): void => {
      decoder.push(chunk);
      let frame: Buffer | undefined;
      try {
        frame = decoder.next();
        if (frame === undefined) return;
      } catch (err) {
        finish(new HandshakeError(`invalid peer handshake from ${where}: ${(err as Error).message}`));
        return;
      }
      try {
        finish(undefined, decodeHandshake(frame));
      } catch (err) {
        finish(err instanceof HandshakeError ? new HandshakeError(`${err.message} (from ${where})`) : (err as Error));
      }
    };
    const onError = (err: Error): void => finish(new Error(`ZAP handshake with ${where} failed: ${err.message}`, { cause: err }));
    const onClose = (): void => finish(new Error(`ZAP handshake with ${where} failed: connection closed before the peer's handshake`));
    const timer = setTimeout(() => finish(new Error(`ZAP handshake with ${where} timed out after ${timeoutMs} ms`)), timeoutMs);
    // Kept for the socket's life: an error between the handshake and the
    // connection's own listener (or after a refusal) must not become uncaught.
    socket.on('error', ignoreError);
    socket.on('data', onData);
    socket.on('error', onError);
    socket.on('close', onClose);
    socket.resume();
  });
}

function ignoreError(): void {}
