import type { ZapConnection } from '../../zap/wire/zap-connection.js';
import { receivedPush, type PushEnvelope } from '../../zap/wire/forward-envelopes.js';

/**
 * Push envelopes arrive as plain one-way messages on the shared connection;
 * their ConnID says which open call they belong to. One listener per
 * connection hands each to the call registered under that ConnID; a Push for
 * no open call (late, or never ours) is dropped, as is anything that is not
 * a well-formed Push. When the connection closes every open call hears it.
 */
export interface PushSink {
  push(p: PushEnvelope): void;
  closed(err: Error): void;
}

const routes = new WeakMap<ZapConnection, Map<string, PushSink>>();

export function pushRoutes(conn: ZapConnection): Map<string, PushSink> {
  let open = routes.get(conn);
  if (open) return open;
  const calls = new Map<string, PushSink>();
  open = calls;
  routes.set(conn, calls);
  conn.on('message', (message: Buffer) => {
    const push = receivedPush(message);
    if (push) calls.get(push.connId)?.push(push);
  });
  conn.once('close', (cause?: Error) => {
    const err = new Error(`ZAP connection to ${conn.peerId} closed mid-stream${cause ? `: ${cause.message}` : ''}`);
    for (const sink of calls.values()) sink.closed(err);
    calls.clear();
  });
  return calls;
}
