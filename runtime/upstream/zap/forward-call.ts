import { randomBytes } from 'node:crypto';
import type { UpstreamHandler, UpstreamRequest } from '../../shared/upstream/upstream.js';
import { bufferBody } from '../../shared/upstream/synthetic-response.js';
import { decodeForwardResponse, encodeForward, encodePush, type PushEnvelope } from '../../zap/wire/forward-envelopes.js';
import { isStreamMark, PUSH_CANCEL, PUSH_END, PUSH_ERROR } from '../../zap/wire/push-stream-rules.js';
import { forwardHeaders, forwardIdentity } from './forward-identity.js';
import { pushRoutes, type PushSink } from './push-routes.js';
import { connectTarget, rawHeaderLines, respondUnavailable, wholeLength, type ZapTarget } from './zap-target.js';

/**
 * A call with `"envelope": "forward"` (the default): one HIP-0110 Forward
 * (identity from the verified token, method, path with the raw query, a
 * ConnID, headers as JSON, body) and one Response. A Response marked
 * `Transfer-Encoding: chunked` is followed by the body as Push frames
 * (runtime/zap/wire/push-stream-rules.ts), written to the client as they
 * come. The client's own pace is respected: while it cannot take more,
 * frames wait here — up to MAX_QUEUED bytes, past which the call is cut off
 * (pausing the socket instead would stall every other call sharing it). A
 * client that goes away sends the peer a `cancel` Push.
 */
const MAX_QUEUED = 8 * 1024 * 1024;
const CONN_PREFIX = `hgw-${randomBytes(6).toString('hex')}-`;
let nextConn = 0;

export async function forwardCall(zap: ZapTarget, request: UpstreamRequest, handler: UpstreamHandler): Promise<void> {
  let cancelled = false;
  let answered = false;
  let onCancel: (() => void) | undefined;
  handler.onConnect(() => {
    cancelled = true;
    onCancel?.();
  });
  try {
    const body = (await bufferBody(request.body)) ?? Buffer.alloc(0);
    const connId = CONN_PREFIX + (nextConn = (nextConn + 1) % Number.MAX_SAFE_INTEGER);
    const who = forwardIdentity(request);
    // Fields named, not spread: a spread into a literal with more fields takes V8's slow path (~3 µs a call).
    const message = encodeForward({
      isAdmin: who.isAdmin, permissions: who.permissions, tenantId: who.tenantId, userId: who.userId,
      method: request.method, path: request.path, connId, headers: forwardHeaders(request), body,
    });
    request.url = `zap://${zap.addr}${request.path}`;
    const conn = await connectTarget(zap);
    if (cancelled) return;
    // Registered before the call: Push frames may be read in the same chunk as the Response.
    const calls = pushRoutes(conn);
    const cancelPeer = () => {
      calls.delete(connId);
      conn.send(encodePush({ connId, frame: Buffer.alloc(0), encoding: PUSH_CANCEL })).catch(() => {});
    };
    const live = new PushStream(handler, () => calls.delete(connId), cancelPeer);
    calls.set(connId, live);
    onCancel = () => {
      live.stop();
      cancelPeer();
    };
    let reply: Buffer;
    try {
      reply = await conn.call(message, zap.timeoutMs);
    } catch (e) {
      calls.delete(connId);
      throw e;
    }
    const res = decodeForwardResponse(reply);
    const streamed = res.headers.some(([k, v]) => isStreamMark(k, v));
    if (cancelled) {
      // The client left before the Response: a cancel sent then found no stream at the peer yet.
      if (streamed) cancelPeer();
      return;
    }
    answered = true;
    live.start(res.status, res.headers, res.body, streamed, streamed ? undefined : wholeLength(request.method, res.status, res.body));
  } catch (e) {
    if (!cancelled && !answered) respondUnavailable(handler, zap, e as Error);
  }
}

/** One answer: the Response's body, then Push frames, delivered at the handler's pace. */
class PushStream implements PushSink {
  private started = false;
  private finished = false;
  private paused = false;
  private queued = 0;
  private readonly queue: PushEnvelope[] = [];

  constructor(
    private readonly handler: UpstreamHandler,
    private readonly release: () => void,
    private readonly cancelPeer: () => void,
  ) {}

  /** `length`: a whole answer's, when it states one; streamed answers are the ones marked as streamed. */
  start(status: number, headers: Array<[string, string]>, first: Buffer, streamed: boolean, length?: number): void {
    if (this.finished) return; // failed already (frames piled up before the Response); onError was the answer
    this.started = true;
    // A whole answer: nothing more will come; Push frames queued so far (none expected) are dropped.
    if (!streamed) {
      this.release();
      this.queue.length = 0;
    }
    this.queue.unshift({ connId: '', frame: first, encoding: '' });
    if (!streamed) this.queue.push({ connId: '', frame: Buffer.alloc(0), encoding: PUSH_END });
    this.paused = this.handler.onHeaders(status, rawHeaderLines(headers, length), () => this.resume(), '') === false;
    this.flush();
  }

  push(p: PushEnvelope): void {
    if (this.finished) return;
    this.queue.push(p);
    this.queued += p.frame.length;
    if (this.queued > MAX_QUEUED) {
      this.fail(new Error(`client too slow: more than ${MAX_QUEUED} bytes of the ZAP stream waiting`));
      this.cancelPeer();
      return;
    }
    if (this.started) this.flush();
  }

  closed(err: Error): void {
    // Before the Response the pending call is rejected, which fails the call.
    if (this.started) this.fail(err);
  }

  /** The client went away: deliver nothing more. */
  stop(): void {
    this.finished = true;
    this.queue.length = 0;
  }

  private resume(): void {
    this.paused = false;
    this.flush();
  }

  private flush(): void {
    while (!this.paused && !this.finished) {
      const p = this.queue.shift();
      if (p === undefined) return;
      this.queued -= p.frame.length;
      if (p.encoding === PUSH_END) {
        this.finished = true;
        this.release();
        this.handler.onComplete(null);
      } else if (p.encoding === PUSH_ERROR) {
        this.fail(new Error(`ZAP peer cut the stream off: ${p.frame.toString('utf8') || 'no reason given'}`));
      } else if (p.frame.length > 0 && this.handler.onData(p.frame) === false) {
        this.paused = true;
      }
    }
  }

  private fail(err: Error): void {
    if (this.finished) return;
    this.finished = true;
    this.queue.length = 0;
    this.release();
    this.handler.onError(err);
  }
}
