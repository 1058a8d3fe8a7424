import type { Logger } from '../shared/log/logger.js';
import { decodeForward, encodeForwardResponse, encodePush, FORWARD_RESPONSE_DATA_SIZE, receivedPush, type ForwardResponse } from './wire/forward-envelopes.js';
import { encodeHeaderJsonMap } from './wire/header-json-map.js';
import { NODE_MAX_CALL_MESSAGE } from './wire/node-framing.js';
import { PUSH_CANCEL, PUSH_END, PUSH_ERROR, pushEncodingFor, STREAM_MARK } from './wire/push-stream-rules.js';
import type { ZapConnection } from './wire/zap-connection.js';
import { ZAP_HEADER_SIZE } from './wire/zap-message.js';
import { AnswerTooLargeError, readWithin, type GatewayDispatch, type OpenedResponse } from './gateway-dispatch.js';

/**
 * The node listener's side of the HIP-0110 envelopes: a Forward is handed
 * to the gateway's whole handler chain (in-process, gateway-dispatch.ts) (which authenticates the request
 * itself — the envelope's TenantID/UserID/IsAdmin/Permissions are not
 * believed, since any peer can state them), and answered with a Response.
 * An answer with no length (SSE, chunked) to a Forward with a ConnID is
 * streamed as Push frames after a `Transfer-Encoding: chunked` Response, each
 * frame sent only once the connection takes more (push-stream-rules.ts); a
 * `cancel` Push from the caller, or the connection closing, stops it. A whole
 * answer is read up to the 10 MiB frame, past which it is answered 502.
 * A stream holds a backend call and its buffers for as long as it runs, so
 * at most MAX_OPEN_STREAMS are open per listener (all peers together); past
 * that a streamed answer is refused 503.
 */
const PUSH_CHUNK = 1024 * 1024;
export const MAX_OPEN_STREAMS = 48;

/** Streams open on one listener, shared by its connections. */
export interface StreamCount {
  open: number;
}

export function forwardServer(conn: ZapConnection, dispatch: GatewayDispatch, log: Logger, count: StreamCount): (message: Buffer) => Promise<Buffer> {
  const streams = new Map<string, AbortController>();
  conn.on('message', (message: Buffer) => {
    const push = receivedPush(message);
    if (push?.encoding === PUSH_CANCEL) streams.get(push.connId)?.abort();
  });
  conn.once('close', () => {
    for (const stream of streams.values()) stream.abort();
  });

  return async (message) => {
    const f = decodeForward(message);
    const what = `[ZAP] ${conn.peerId} ${f.method} ${f.path}`;
    const fail = (status: number, error: string, e: Error): Buffer => {
      log.error(`${what}: ${e.message}; answered ${status}`);
      return encodeForwardResponse({ status, headers: [['Content-Type', 'application/json']], body: Buffer.from(JSON.stringify({ error, message: e.message })) });
    };
    let res: OpenedResponse;
    try {
      res = await dispatch.open({ method: f.method, target: f.path, headers: f.headers, body: f.body }, conn.remoteAddress);
    } catch (e) {
      return fail(502, 'zap_unavailable', e as Error);
    }
    const streamed = f.connId !== '' && res.length === undefined && f.method !== 'HEAD' && res.status !== 204 && res.status !== 304;
    if (!streamed) {
      try {
        const body = await readWithin(res, NODE_MAX_CALL_MESSAGE - ZAP_HEADER_SIZE - FORWARD_RESPONSE_DATA_SIZE - encodeHeaderJsonMap(res.headers).length);
        log.debug(`${what} ${res.status}`);
        return encodeForwardResponse({ status: res.status, headers: res.headers, body });
      } catch (e) {
        return e instanceof AnswerTooLargeError ? fail(502, 'zap_answer_too_large', e) : fail(502, 'zap_unavailable', e as Error);
      }
    }
    if (count.open >= MAX_OPEN_STREAMS) {
      res.body.destroy();
      return fail(503, 'zap_too_many_streams', new Error(`${MAX_OPEN_STREAMS} streamed answers are open on this ZAP listener already`));
    }
    count.open++;
    // Only a stream can be cancelled (a cancel comes after its Response head); no signal on the hot path.
    const abort = new AbortController();
    abort.signal.addEventListener('abort', () => res.body.destroy(), { once: true });
    streams.get(f.connId)?.abort();
    streams.set(f.connId, abort);
    const head: ForwardResponse = { status: res.status, headers: [...res.headers, [STREAM_MARK[0], STREAM_MARK[1]]], body: Buffer.alloc(0) };
    // The Response is written when this handler returns; the frames follow it.
    setImmediate(() => void pump(conn, f.connId, res, abort, streams, log, what).finally(() => count.open--));
    log.debug(`${what} ${res.status} (streamed)`);
    return encodeForwardResponse(head);
  };
}

async function pump(conn: ZapConnection, connId: string, res: OpenedResponse, abort: AbortController, streams: Map<string, AbortController>, log: Logger, what: string): Promise<void> {
  const contentType = res.headers.find(([k]) => k.toLowerCase() === 'content-type')?.[1];
  const encoding = pushEncodingFor(contentType);
  try {
    for await (const chunk of res.body) {
      for (let at = 0; at < chunk.length; at += PUSH_CHUNK) {
        await conn.send(encodePush({ connId, frame: chunk.subarray(at, at + PUSH_CHUNK), encoding }));
      }
    }
    await conn.send(encodePush({ connId, frame: Buffer.alloc(0), encoding: PUSH_END }));
  } catch (e) {
    res.body.destroy();
    if (abort.signal.aborted) {
      log.debug(`${what}: stream cancelled by the caller`);
    } else {
      log.error(`${what}: stream cut off: ${(e as Error).message}`);
      conn.send(encodePush({ connId, frame: Buffer.from((e as Error).message), encoding: PUSH_ERROR })).catch(() => {});
    }
  } finally {
    if (streams.get(connId) === abort) streams.delete(connId);
  }
}
