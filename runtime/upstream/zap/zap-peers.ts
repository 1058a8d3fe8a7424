import { counter } from '../../core/counters.js';
import type { Logger } from '../../core/logger.js';
import { ZapConnection } from '../../zap/wire/zap-connection.js';

const CONNECTIONS = counter('gateway_zap_connections', 'ZAP dials to peers, by outcome (connected, failed)');

/**
 * The gateway's ZAP node as the backend side sees it: one connection per
 * peer address, shared by every backend of the same node_id (the Go gateway
 * keeps one node per node_id:port and one connection per peer), dialled on
 * first use and again after it drops.
 */
export class ZapPeers {
  private readonly connections = new Map<string, Promise<ZapConnection>>();

  constructor(
    private readonly nodeId: string,
    private readonly log: Logger,
  ) {}

  /** The live connection to `addr` (host:port), dialling when there is none. */
  get(addr: string): Promise<ZapConnection> {
    let conn = this.connections.get(addr);
    if (!conn) {
      const [host, port] = splitAddr(addr);
      conn = ZapConnection.dial(host, port, this.nodeId, { connectTimeoutMs: 5000 });
      this.connections.set(addr, conn);
      conn.then(
        (c) => {
          CONNECTIONS.add({ outcome: 'connected' });
          this.log.info(`[ZAP] connected to ${addr} (peer ${c.peerId})`);
          c.once('close', () => {
            if (this.connections.get(addr) === conn) this.connections.delete(addr);
            this.log.warn(`[ZAP] connection to ${addr} closed; the next call dials again`);
          });
        },
        () => {
          CONNECTIONS.add({ outcome: 'failed' });
          if (this.connections.get(addr) === conn) this.connections.delete(addr);
        },
      );
    }
    return conn;
  }

  close(): void {
    for (const conn of this.connections.values()) conn.then((c) => c.close(), () => {});
    this.connections.clear();
  }
}

const nodes = new Map<string, ZapPeers>();

/** One node per node_id:port in the process. */
export function zapNode(nodeId: string, port: number, log: Logger): ZapPeers {
  const key = `${nodeId}:${port}`;
  let node = nodes.get(key);
  if (!node) {
    node = new ZapPeers(nodeId, log);
    nodes.set(key, node);
  }
  return node;
}

export function splitAddr(addr: string): [string, number] {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(addr);
  if (!m) throw new Error(`zap: peer_addr ${JSON.stringify(addr)} is not host:port`);
  return [m[1] ?? m[2]!, Number(m[3])];
}
