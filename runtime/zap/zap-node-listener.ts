import type { Server } from 'node:net';
import type { Logger } from '../shared/log/logger.js';
import { encodeHeaderPairs } from './wire/header-pair-block.js';
import { decodeHttpRequest, encodeHttpResponse, HTTP_RESPONSE_DATA_SIZE, MSG_HTTP_REQUEST } from './wire/http-messages.js';
import { MSG_FORWARD } from './wire/forward-envelopes.js';
import { NODE_MAX_CALL_MESSAGE } from './wire/node-framing.js';
import { parseZapMessage, ZapMessageError, ZAP_HEADER_SIZE } from './wire/zap-message.js';
import { createZapNodeServer, type ZapConnection } from './wire/zap-connection.js';
import { AnswerTooLargeError, type GatewayDispatch } from './gateway-dispatch.js';
import { forwardServer, type StreamCount } from './forward-server.js';

/**
 * hgw's ZAP node listener: peers call it over the luxfi/zap node transport
 * with HIP-0110 Forward envelopes (type 0x80, forward-server.ts) or hgw's
 * type-200 HTTP messages; each request is served by this gateway's whole
 * handler chain, with the ZAP peer's socket address as the client, and
 * answered on the same correlated connection (Response, or type 201). An
 * answer that would not fit one 10 MiB frame is cut off at that size and
 * answered 502 (logged); so is a request the gateway fails — the Go node would send
 * nothing and leave the caller to time out.
 */
export interface ZapNodeListenerOptions {
  host: string;
  port: number;
  nodeId: string;
}

export async function startZapNodeListener(opts: ZapNodeListenerOptions, dispatch: GatewayDispatch, log: Logger): Promise<{ port: number; close(): Promise<void> }> {
  const streams: StreamCount = { open: 0 };
  const server: Server = createZapNodeServer(opts.nodeId, (conn) => {
    conn.on('handlerError', (err: Error) => log.error(`[ZAP] ${conn.peerId}: ${err.message}`));
    const forward = forwardServer(conn, dispatch, log, streams);
    conn.setRequestHandler((message) => {
      const type = parseZapMessage(message).type;
      if (type === MSG_FORWARD) return forward(message);
      if (type === MSG_HTTP_REQUEST) return serveHttpMessage(conn, dispatch, log, message);
      throw new ZapMessageError(`no handler for message type ${type}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host || undefined, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as { port: number }).port;
  log.info(`[ZAP] node ${opts.nodeId} listening on ${opts.host || '*'}:${port}`);
  return {
    port,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function serveHttpMessage(conn: ZapConnection, dispatch: GatewayDispatch, log: Logger, message: Buffer): Promise<Buffer> {
  const req = decodeHttpRequest(message);
  try {
    const res = await dispatch.serve(
      { method: req.method, target: req.query ? `${req.path}?${req.query}` : req.path, headers: req.headers, body: req.body },
      conn.remoteAddress,
      (headers) => NODE_MAX_CALL_MESSAGE - ZAP_HEADER_SIZE - HTTP_RESPONSE_DATA_SIZE - encodeHeaderPairs(headers).length,
    );
    log.debug(`[ZAP] ${conn.peerId} ${req.method} ${req.path} ${res.status}`);
    return encodeHttpResponse(res);
  } catch (e) {
    const tooLarge = e instanceof AnswerTooLargeError;
    log.error(`[ZAP] ${conn.peerId} ${req.method} ${req.path}: ${tooLarge ? '' : 'the gateway failed it: '}${(e as Error).message}; answered 502`);
    const body = JSON.stringify({ error: tooLarge ? 'zap_answer_too_large' : 'zap_unavailable', message: (e as Error).message });
    return encodeHttpResponse({ status: 502, headers: [['Content-Type', 'application/json']], body: Buffer.from(body) });
  }
}
