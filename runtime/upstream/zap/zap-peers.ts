import { counter } from '../../shared/counters.js';
import type { Logger } from '../../shared/log/logger.js';
import { ZapConnection } from '../../zap/wire/zap-connection.js';
import { hostAndPort } from '../../shared/go/split-host-port.js';

const CONNECTIONS = counter('gateway_zap_connections', 'ZAP dials to peers, by outcome (connected, failed)');

/**
 * The gateway's ZAP node as the backend side sees it: one connection per
 * peer address, shared by every backend of the same node_id (the Go gateway
 * keeps one node per node_id:port and one connection per peer), dialled on
 * first use and again after it drops; a peer down at start-up is redialled in
 * the background until it answers.
 */
/** Background redials of a peer that was down at start-up: 1 s, doubling up to 30 s. */
const REDIAL_FIRST_MS = 1000;
const REDIAL_MAX_MS = 30_000;

/** A peer down at start-up: the backends waiting for it, and the pending redial. */
interface DownPeer {
  backends: Array<{ pattern: string; onUp: () => void }>;
  /** The gateway's logger (the node is per process and may outlive the gateway that made it). */
  log: Logger;
  timer?: NodeJS.Timeout;
  delayMs: number;
}

export class ZapPeers {
  private readonly connections = new Map<string, Promise<ZapConnection>>();
  private readonly down = new Map<string, DownPeer>();

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

  /**
   * A backend whose start-up dial of `addr` failed: it serves over HTTP until the peer answers a
   * background redial, then `onUp` moves it back to ZAP. Beyond Go, which pins such backends to HTTP
   * for the process' life: a deploy-order race should not leave a fleet on the slow path. Logged once
   * per peer, not once per backend.
   */
  downAtStartup(addr: string, error: Error, pattern: string, log: Logger, onUp: () => void): void {
    let peer = this.down.get(addr);
    if (!peer) {
      const created: DownPeer = { backends: [], log, delayMs: REDIAL_FIRST_MS };
      peer = created;
      this.down.set(addr, created);
      // Every backend of this peer fails on the same dial, in the same turn: count them, then say it once.
      setImmediate(() => {
        const n = created.backends.length;
        created.log.warn(`[ZAP] ${addr} unreachable at start-up (${error.message}): ${n} backend(s) served over HTTP (${created.backends.slice(0, 3).map((b) => b.pattern).join(', ')}${n > 3 ? ', …' : ''}) until it answers; redialling in the background`);
        this.redial(addr, created);
      });
    }
    peer.backends.push({ pattern, onUp });
  }

  private redial(addr: string, peer: DownPeer): void {
    peer.timer = setTimeout(() => {
      if (this.down.get(addr) !== peer) return;
      this.get(addr).then(
        () => {
          if (this.down.get(addr) !== peer) return;
          this.down.delete(addr);
          peer.log.info(`[ZAP] ${addr} answers now: ${peer.backends.length} backend(s) moved back from HTTP to ZAP`);
          for (const b of peer.backends) b.onUp();
        },
        () => {
          if (this.down.get(addr) !== peer) return;
          peer.delayMs = Math.min(peer.delayMs * 2, REDIAL_MAX_MS);
          this.redial(addr, peer);
        },
      );
    }, peer.delayMs);
    peer.timer.unref();
  }

  close(): void {
    for (const peer of this.down.values()) clearTimeout(peer.timer);
    this.down.clear();
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
  const peer = hostAndPort(addr);
  if (!peer || peer.host === '') throw new Error(`zap: peer_addr ${JSON.stringify(addr)} is not host:port`);
  return [peer.host, peer.port];
}
