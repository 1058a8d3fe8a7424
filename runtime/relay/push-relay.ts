import type { ZapConnection } from '../zap/wire/zap-connection.js';
import { encodePush, receivedPush, type PushEnvelope } from '../zap/wire/forward-envelopes.js';
import { PUSH_CANCEL, PUSH_END, PUSH_ERROR } from '../zap/wire/push-stream-rules.js';

/**
 * Push frames through the relay. Each relayed Forward that has a ConnID gets
 * one of the relay's own on the way out (two callers may pick the same id for
 * one peer), and Push frames map back: peer → caller with the caller's id,
 * and a caller's `cancel` → peer with the relay's id. A route ends with an
 * `end` / `error` frame, when either connection closes, or when the caller
 * falls more than MAX_BEHIND bytes behind (it gets an `error` frame, the
 * peer a `cancel`): frames are not held back on the peer's shared connection,
 * which would stall every other call on it.
 */
const MAX_BEHIND = 8 * 1024 * 1024;

interface Route {
  caller: ZapConnection;
  callerConnId: string;
  peer: ZapConnection;
  relayConnId: string;
}

export class PushRelay {
  private readonly byRelayId = new Map<string, Route>();
  private readonly watched = new WeakSet<ZapConnection>();
  private next = 0;

  /** `onClosed` hears of every route that ends (the drain waits for the last). */
  constructor(
    private readonly prefix: string,
    private readonly onClosed: () => void = () => {},
  ) {}

  /** Open streams (the relay drains until there are none). */
  get size(): number {
    return this.byRelayId.size;
  }

  /** A route for a Forward from `caller` with `callerConnId`, going to `peer`; returns the relay's ConnID. */
  open(caller: ZapConnection, callerConnId: string, peer: ZapConnection): string {
    this.watch(caller);
    this.watch(peer);
    const relayConnId = `${this.prefix}${(this.next = (this.next + 1) % Number.MAX_SAFE_INTEGER)}`;
    this.byRelayId.set(relayConnId, { caller, callerConnId, peer, relayConnId });
    return relayConnId;
  }

  isOpen(relayConnId: string): boolean {
    return this.byRelayId.has(relayConnId);
  }

  close(relayConnId: string): void {
    if (this.byRelayId.delete(relayConnId)) this.onClosed();
  }

  private watch(conn: ZapConnection): void {
    if (this.watched.has(conn)) return;
    this.watched.add(conn);
    conn.on('message', (message: Buffer) => {
      const push = receivedPush(message);
      if (push === undefined) return;
      if (push.encoding === PUSH_CANCEL) this.fromCaller(conn, push.connId);
      else this.fromPeer(conn, push);
    });
    conn.once('close', () => {
      for (const route of [...this.byRelayId.values()]) {
        if (route.caller === conn) this.cancel(route);
        else if (route.peer === conn) this.toCaller(route, { connId: '', frame: Buffer.from(`peer ${conn.peerId} went away`), encoding: PUSH_ERROR }, true);
      }
    });
  }

  private fromPeer(peer: ZapConnection, push: PushEnvelope): void {
    const route = this.byRelayId.get(push.connId);
    if (route === undefined || route.peer !== peer) return;
    if (route.caller.bufferedBytes > MAX_BEHIND) {
      this.toCaller(route, { connId: '', frame: Buffer.from(`caller more than ${MAX_BEHIND} bytes behind`), encoding: PUSH_ERROR }, true);
      this.cancel(route);
      return;
    }
    this.toCaller(route, push, push.encoding === PUSH_END || push.encoding === PUSH_ERROR);
  }

  private fromCaller(caller: ZapConnection, callerConnId: string): void {
    for (const route of this.byRelayId.values()) {
      if (route.caller === caller && route.callerConnId === callerConnId) return this.cancel(route);
    }
  }

  private toCaller(route: Route, push: PushEnvelope, last: boolean): void {
    if (last) this.close(route.relayConnId);
    route.caller.send(encodePush({ connId: route.callerConnId, frame: push.frame, encoding: push.encoding })).catch(() => {});
  }

  private cancel(route: Route): void {
    this.close(route.relayConnId);
    route.peer.send(encodePush({ connId: route.relayConnId, frame: Buffer.alloc(0), encoding: PUSH_CANCEL })).catch(() => {});
  }
}
