import type { UpstreamHandler } from '../../shared/upstream/upstream.js';
import type { ZapConnection } from '../../zap/wire/zap-connection.js';
import type { ZapPeers } from './zap-peers.js';

/**
 * Where one zap backend's calls go, and the two things every call over
 * either envelope does the same way: reach the peer (checking the id it
 * announced) and answer 502 `zap_unavailable` when the call fails before
 * an answer started.
 */
export interface ZapTarget {
  node: ZapPeers;
  addr: string;
  peerId: string;
  timeoutMs: number;
}

export async function connectTarget(zap: ZapTarget): Promise<ZapConnection> {
  const conn = await zap.node.get(zap.addr);
  if (zap.peerId !== '' && conn.peerId !== zap.peerId) throw new Error(`peer at ${zap.addr} is ${JSON.stringify(conn.peerId)}, not ${JSON.stringify(zap.peerId)}`);
  return conn;
}

/** The 502 a failed call answers with; the handler has had onConnect already. */
export function respondUnavailable(handler: UpstreamHandler, zap: ZapTarget, err: Error): void {
  const bytes = Buffer.from(JSON.stringify({ error: 'zap_unavailable', message: `zap call to ${zap.addr} failed: ${err.message}` }));
  handler.onHeaders(502, [Buffer.from('Content-Type'), Buffer.from('application/json'), Buffer.from('Content-Length'), Buffer.from(String(bytes.length))], () => {}, '');
  handler.onData(bytes);
  handler.onComplete(null);
}

/**
 * A peer's header pairs as undici's raw header lines, without the framing
 * lines: the gateway frames the body it received itself, and a peer's
 * Content-Length could disagree with it. A whole answer's `length` (the
 * bytes that arrived) is stated as its Content-Length, so the gateway sends
 * head and body in one write instead of flushing the head first as it must
 * for a stream.
 */
export function rawHeaderLines(pairs: ReadonlyArray<readonly [string, string]>, length?: number): Buffer[] {
  const raw: Buffer[] = [];
  for (const [k, v] of pairs) {
    const lower = k.toLowerCase();
    if (lower === 'content-length' || lower === 'transfer-encoding') continue;
    raw.push(Buffer.from(k, 'latin1'), Buffer.from(v, 'latin1'));
  }
  if (length !== undefined) raw.push(CONTENT_LENGTH, Buffer.from(String(length), 'latin1'));
  return raw;
}

const CONTENT_LENGTH = Buffer.from('Content-Length');

/** The length to state for a whole answer: none for HEAD, 204 and 304, whose Content-Length speaks of a body never sent. */
export function wholeLength(method: string, status: number, body: Buffer): number | undefined {
  return method === 'HEAD' || status === 204 || status === 304 ? undefined : body.length;
}
