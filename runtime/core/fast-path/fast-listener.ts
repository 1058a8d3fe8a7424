import { createServer, type Server, type Socket } from 'node:net';
import { FastConnection, type FastHost } from './fast-connection.js';

/**
 * The listener in front of node:http when the fast path is on: every
 * connection starts as a FastConnection and moves to node:http at the first
 * request the fast path does not take. Options as node:http's own listener
 * sets them (no Nagle; half-open allowed, node:http decides what a client's
 * FIN means). One sweep a second enforces the connections' time limits, as
 * node:http's connectionsCheckingInterval does. `served` and `handedOver`
 * count requests taken and connections given to node:http in this process —
 * the debug hook tests read.
 */
export interface FastPathStats {
  /** Requests answered on the fast path. */
  served: number;
  /** Connections handed to node:http (each at a request the fast path did not take). */
  handedOver: number;
}

export class FastListener {
  readonly server: Server;
  readonly stats: FastPathStats = { served: 0, handedOver: 0 };
  private readonly connections = new Set<FastConnection>();
  private sweep: NodeJS.Timeout | null = null;

  constructor(host: Omit<FastHost, 'forget' | 'handOver'> & { handOver(socket: Socket): void }) {
    const connections = this.connections;
    const stats = this.stats;
    const full: FastHost = {
      routes: host.routes,
      maxHeaderBytes: host.maxHeaderBytes,
      keepAliveTimeoutMs: host.keepAliveTimeoutMs,
      headersTimeoutMs: host.headersTimeoutMs,
      requestTimeoutMs: host.requestTimeoutMs,
      accepting: () => host.accepting(),
      serve: (req, res, route) => {
        stats.served++;
        host.serve(req, res, route);
      },
      handOver: (socket) => {
        stats.handedOver++;
        host.handOver(socket);
      },
      forget: (conn) => connections.delete(conn),
    };
    this.server = createServer({ noDelay: true, allowHalfOpen: true }, (socket) => {
      connections.add(new FastConnection(socket, full));
    });
    this.server.on('listening', () => {
      this.sweep ??= setInterval(() => {
        const now = Date.now();
        for (const conn of connections) conn.check(now);
      }, 1000).unref();
    });
    this.server.on('close', () => this.stopSweep());
  }

  /** Closes the fast-path connections that wait, kept alive, for a next request. */
  closeIdle(): void {
    for (const conn of this.connections) conn.closeIfIdle();
  }

  /** Closes every connection still on the fast path (the end of a drain). */
  destroyAll(): void {
    for (const conn of this.connections) conn.destroy();
    this.stopSweep();
  }

  private stopSweep(): void {
    if (this.sweep) clearInterval(this.sweep);
    this.sweep = null;
  }
}
