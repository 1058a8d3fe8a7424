import { createServer, ServerResponse, type IncomingMessage, type Server, type ServerOptions as HttpServerOptions } from 'node:http';
import { Server as NetServer, type AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { SecureContext, Server as TlsServer, TlsOptions } from 'node:tls';
import { createH2cFront, createTlsFront, type Http2Front } from './http2-front.js';
import { PROBES, probeFor, type Probe } from './probes.js';
import { Readiness } from './readiness.js';
import { serverTlsOptions } from './tls-options.js';
import { UPGRADE, type UpgradeRequest } from './middleware.js';
import type { ServicePlan } from '../plan/plan.js';
import { withRouterMiddleware, type Recover, type RequestListener } from './gateway.js';
import type { Middleware } from './middleware.js';
import type { FastRoute } from './fast-path/fast-routes.js';
import { FastListener, type FastPathStats } from './fast-path/fast-listener.js';
import type { FastRoutes } from './fast-path/fast-routes.js';

/**
 * The HTTP(S) server and its lifecycle. Service `tls` makes it HTTPS with
 * HTTP/2 and HTTP/1.1 by ALPN (keys re-read by `reloadTls`); `use_h2c` adds
 * HTTP/2 in clear (http2-front.ts). Stopping has two phases. Leaving (`leave`):
 * readiness turns 503 at once while the listener keeps accepting, and every
 * answer carries `Connection: close` so kept-alive clients move elsewhere —
 * the time Kubernetes needs to take the pod out of its endpoints. Draining
 * (`drain`): the listener closes, requests already running finish, a new
 * request arriving on a kept-alive connection gets 503 with `Connection:
 * close`, and once nothing runs the remaining idle connections are closed.
 * `max_shutdown_wait_time` bounds the wait (0: wait as long as requests run,
 * as Go's Shutdown does). `/healthz` and `/readyz` are answered here, first.
 */
export interface ServerOptions {
  port: number;
  host?: string;
}

export interface GatewayServerOptions {
  /**
   * Send Upgrade requests (WebSocket) through the listener too, with a
   * response bound to the raw socket. Off, Node answers them as plain
   * requests, which is all KrakenD endpoints do with them.
   */
  upgrades?: boolean;
  /** What `/readyz` reports; the server adds `draining` to it when it leaves. */
  readiness?: Readiness;
  /** Probe paths answered before anything else (default PROBES: `/healthz`, `/readyz`); a profile may choose others. */
  probes?: Readonly<Record<string, Probe>>;
  /**
   * The raw-socket fast path (core/fast-path/): connections start there and
   * move to node:http at the first request it does not take. Plain HTTP only
   * (not with `tls` or `use_h2c`).
   */
  fastPath?: FastPathWiring;
}

export interface FastPathWiring {
  routes: FastRoutes;
  recover: Recover;
  /** The access log / request id step every request gets (gateway.ts requestPreamble). */
  preamble: RequestListener | undefined;
  /** The router middleware (the hanzo edge chain), every one fast-path-ready; run before the endpoint as on node:http. */
  middleware: Middleware[];
}

/** The route a fast-path request was matched to, for the last step of its middleware chain. */
const FAST_ROUTE = Symbol('hgw.fastRoute');
type RoutedRequest = IncomingMessage & { [FAST_ROUTE]?: FastRoute };

/**
 * How long a client may take to send a whole request (head and body).
 * `read_timeout` when set; when it is 0 — Go's "no limit" — 5 minutes
 * (Node's own default), so a client dripping a body byte by byte cannot hold
 * a backend connection forever.
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 300_000;

export function requestTimeoutMs(readTimeoutMs: number): number {
  return readTimeoutMs > 0 ? readTimeoutMs : DEFAULT_REQUEST_TIMEOUT_MS;
}

export class GatewayServer {
  readonly server: Server;
  readonly readiness: Readiness;
  private inFlight = 0;
  private leaving = false;
  private draining = false;
  /** The served TLS settings, swapped by reloadTls; the SNI callback reads the current ones. */
  private tls: TlsOptions | undefined;
  /** With `tls` or `use_h2c`: the listener in front that sends HTTP/2 connections to an HTTP/2 server. */
  private readonly front: Http2Front | undefined;
  private readonly probes: Readonly<Record<string, Probe>>;
  private drained: (() => void) | null = null;
  /** Connections taken by Upgrade requests; Node's server no longer tracks them once tunnelled. */
  private readonly upgraded = new Set<Duplex>();
  /** With the fast path: the listener in front of node:http. */
  private readonly fast: FastListener | undefined;
  /** A reload handed traffic over: every answer closes its connection. */
  private handingOver = false;

  constructor(
    private readonly service: ServicePlan,
    listener: RequestListener,
    options: GatewayServerOptions = {},
  ) {
    const s = service.server;
    this.readiness = options.readiness ?? new Readiness();
    this.probes = options.probes ?? PROBES;
    const http: HttpServerOptions = {
      // Go's default is no header limit beyond 1 MB; Node's 16 KB default is too tight for JWT-heavy clients.
      maxHeaderSize: s.maxHeaderBytes > 0 ? s.maxHeaderBytes : 1 << 20,
      requestTimeout: requestTimeoutMs(s.readTimeoutMs),
      // Node requires headersTimeout ≤ requestTimeout when both are set.
      headersTimeout: Math.min(s.readHeaderTimeoutMs > 0 ? s.readHeaderTimeoutMs : 60_000, requestTimeoutMs(s.readTimeoutMs)),
      // Node checks those timeouts on this interval (30 s by default, which would stretch a 1 s read_timeout to 30).
      connectionsCheckingInterval: 1000,
      keepAliveTimeout: s.idleTimeoutMs > 0 ? s.idleTimeoutMs : 65_000,
      noDelay: true,
    };
    const onRequest = (req: IncomingMessage, res: ServerResponse) => this.onRequest(req, res, listener);
    this.server = createServer(http, onRequest);
    const limits = { maxHeaderBytes: http.maxHeaderSize!, prefaceTimeoutMs: http.headersTimeout!, idleTimeoutMs: http.keepAliveTimeout! };
    if (service.tls) {
      this.tls = serverTlsOptions(service.tls);
      const sni = (name: string, cb: (err: Error | null, ctx?: SecureContext) => void) => (this.tls?.SNICallback ? this.tls.SNICallback(name, cb) : cb(null));
      // HTTPS serves HTTP/2 and HTTP/1.1 by ALPN, as Go's net/http does.
      this.front = createTlsFront(this.server, onRequest, { ...this.tls, SNICallback: sni }, limits);
    } else if (service.useH2c) {
      this.front = createH2cFront(this.server, onRequest, limits);
    } else if (options.fastPath) {
      this.fast = this.fastListener(options.fastPath, http);
    }
    // Clients that send garbage get a 400 (one too slow to send its request a 408, one with too many header bytes
    // a 431, as Go answers) and the socket closes —
    // closed, not half-closed, so a request still being read fails and the backend call streaming it ends.
    this.server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
      const answered = (socket as { _httpMessage?: ServerResponse | null })._httpMessage?.headersSent === true;
      if (!socket.writable || answered || err.code === 'ECONNRESET') {
        socket.destroy();
        return;
      }
      const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, () => socket.destroy());
    });
    if (options.upgrades) this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.onUpgrade(req, socket, head, listener));
  }

  listen(options: ServerOptions): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      // Node says `listen EADDRINUSE: address already in use :::8080` (or `null:8080` behind a front): say it plainly, keep the code.
      const onError = (err: NodeJS.ErrnoException) => {
        const where = `port ${options.port}${options.host ? ` on ${options.host}` : ''}`;
        if (err.code === 'EADDRINUSE') reject(Object.assign(new Error(`${where} is already in use by another process`), { code: err.code }));
        else if (err.code === 'EACCES') reject(Object.assign(new Error(`${where} needs privileges this process lacks (ports below 1024 need root or CAP_NET_BIND_SERVICE)`), { code: err.code }));
        else reject(err);
      };
      const listener = this.listener;
      listener.once('error', onError);
      listener.listen({ port: options.port, host: options.host }, () => {
        listener.off('error', onError);
        // The HTTP/1.1 server behind a front never listens itself, but only 'listening' starts its connection
        // tracking: the header/request timeouts and closeAllConnections depend on it.
        if (listener !== this.server) this.server.emit('listening');
        resolve(listener.address() as AddressInfo);
      });
    });
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /** What the fast path took and handed over in this process; undefined when it is off. */
  get fastPathStats(): Readonly<FastPathStats> | undefined {
    return this.fast?.stats;
  }

  /** The socket that accepts: a front (TLS, h2c), the fast path's, or node:http's own. */
  private get listener(): NetServer {
    return this.front?.listener ?? this.fast?.server ?? this.server;
  }

  /** Re-reads the TLS key pairs and CA files (SIGHUP); connections already open keep theirs. False without TLS. */
  reloadTls(): boolean {
    if (!this.service.tls) return false;
    this.tls = serverTlsOptions(this.service.tls);
    (this.front!.listener as TlsServer).setSecureContext(this.tls);
    return true;
  }

  /**
   * A reload's hand-over (handover.ts): stop accepting — net.Server's close,
   * which keeps the open connections (http.Server's would drop idle ones) —
   * and answer everything from now on with `Connection: close`.
   */
  handOverStart(): void {
    this.handingOver = true;
    this.server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
      res.shouldKeepAlive = false;
    });
    NetServer.prototype.close.call(this.listener);
  }

  /** Connections the listener accepted that are still open (wherever they are served). */
  openConnections(): Promise<number> {
    return new Promise((resolve) => this.listener.getConnections((err, n) => resolve(err ? 0 : n)));
  }

  /** Closes the connections that wait for a next request; those with one running stay. */
  closeIdleConnections(): void {
    this.server.closeIdleConnections();
    this.fast?.closeIdle();
  }

  /** First phase of stopping: not ready, still serving, kept-alive connections told to close. */
  leave(): void {
    this.leaving = true;
    this.readiness.setNotReady('draining');
    // HTTP/2's Connection: close: GOAWAY lets running streams finish and sends new ones elsewhere.
    this.front?.closeSessions();
  }

  /** Stops accepting, lets running requests finish (bounded by max_shutdown_wait_time), closes every connection. */
  drain(): Promise<void> {
    if (this.draining) return new Promise((resolve) => this.listener.once('close', () => resolve()));
    this.leave();
    this.draining = true;
    // net.Server's close stops listening but, unlike http.Server's, keeps idle kept-alive connections
    // open, so a client that reuses one gets a clean 503 + Connection: close instead of a reset.
    const listener = this.listener;
    const closed = listener !== this.server
      ? new Promise<void>((resolve) => listener.close(() => resolve()))
      : new Promise<void>((resolve) => NetServer.prototype.close.call(this.server, () => resolve()));
    const idle = this.inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => (this.drained = resolve));
    const limit = this.service.server.maxShutdownWaitMs;
    const bounded = limit > 0 ? Promise.race([idle, new Promise<void>((r) => setTimeout(r, limit).unref())]) : idle;
    return bounded.then(() => {
      this.server.closeAllConnections();
      this.front?.destroySessions();
      this.fast?.destroyAll();
      // Stops the HTTP/1.1 server's timeout sweep; behind a front or the fast path it has no listener of its own to close.
      if (listener !== this.server) this.server.close(() => undefined);
      // A tunnel would keep the listener's close waiting as long as it lives; the process is going, so are they.
      for (const socket of this.upgraded) socket.destroy();
      return closed;
    });
  }

  private onRequest(req: IncomingMessage, res: ServerResponse, listener: RequestListener): void {
    const probe = probeFor(req.url, this.probes);
    if (probe !== undefined && (req.method === 'GET' || req.method === 'HEAD')) {
      probe(res, this.readiness);
      return;
    }
    if (this.draining) {
      res.writeHead(503, { Connection: 'close', 'Content-Length': 0 }).end();
      return;
    }
    // Node then writes `Connection: close` and closes the socket once this answer is sent.
    if (this.leaving) {
      res.shouldKeepAlive = false;
      // An HTTP/2 connection opened while leaving is told to go once its first answer is out.
      (req as { stream?: { session?: { close(): void } } }).stream?.session?.close();
    }
    this.inFlight++;
    // `on`, not `once`: a response closes once, and `once` costs a wrapper per request.
    res.on('close', this.onResponseClosed);
    listener(req, res);
  }

  /**
   * Upgrade requests are not counted as running: once tunnelled they are the
   * backend's connection, and draining does not wait for them (Go's Shutdown
   * does not wait for hijacked connections either); it closes them last.
   */
  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, listener: RequestListener): void {
    socket.on('error', () => socket.destroy());
    this.upgraded.add(socket);
    socket.on('close', () => this.upgraded.delete(socket));
    if (this.draining) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    // An Upgrade pipelined behind another request: the earlier answer still owns the socket.
    const earlier = (socket as { _httpMessage?: ServerResponse | null })._httpMessage;
    if (earlier) {
      earlier.once('finish', () => setImmediate(() => this.onUpgrade(req, socket, head, listener)));
      earlier.once('close', () => {
        if (!earlier.writableFinished) socket.destroy();
      });
      return;
    }
    try {
      const res = new ServerResponse(req);
      res.shouldKeepAlive = false;
      res.assignSocket(socket as import('node:net').Socket);
      // An answer written through `res` (a gate's 401, a declined upgrade) ends the connection.
      res.on('finish', () => socket.end());
      (req as UpgradeRequest)[UPGRADE] = { socket, head };
      listener(req, res);
    } catch {
      socket.destroy();
    }
  }

  /** The fast path's listener, serving through this server's lifecycle (in-flight count, leaving, draining). */
  private fastListener(wiring: FastPathWiring, http: HttpServerOptions): FastListener {
    const endpoint: RequestListener = (req, res) => {
      const route = (req as RoutedRequest)[FAST_ROUTE]!;
      route.handler(req, res, route.params, route.rawQuery);
    };
    // The same chain gateway.ts builds, ending at the endpoint the fast path routed to.
    const chain = wiring.middleware.length > 0 ? withRouterMiddleware(endpoint, wiring.middleware, wiring.recover) : undefined;
    return new FastListener({
      routes: wiring.routes,
      maxHeaderBytes: http.maxHeaderSize!,
      keepAliveTimeoutMs: http.keepAliveTimeout!,
      headersTimeoutMs: http.headersTimeout!,
      requestTimeoutMs: http.requestTimeout!,
      accepting: () => !this.leaving && !this.draining,
      serve: (req, res, route) => {
        if (this.handingOver) res.shouldKeepAlive = false;
        this.inFlight++;
        res.on('close', this.onResponseClosed);
        const out = res as unknown as ServerResponse;
        wiring.preamble?.(req, out);
        try {
          if (chain === undefined) route.handler(req, out, route.params, route.rawQuery);
          else {
            (req as RoutedRequest)[FAST_ROUTE] = route;
            chain(req, out);
          }
        } catch (e) {
          wiring.recover(req, out, e);
        }
      },
      handOver: (socket) => this.server.emit('connection', socket),
    });
  }

  private readonly onResponseClosed = (): void => {
    if (--this.inFlight === 0 && this.drained) {
      const done = this.drained;
      this.drained = null;
      done();
    }
  };
}
