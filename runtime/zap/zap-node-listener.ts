import type { Server } from 'node:net';
import type { Logger } from '../core/logger.js';
import { decodeHttpRequest, encodeHttpResponse } from './wire/http-messages.js';
import { createZapNodeServer } from './wire/zap-connection.js';
import { GatewayLoopback } from './gateway-loopback.js';

/**
 * hgw's ZAP node listener: other gateways (zap backends) send type-200 HTTP
 * request messages over the luxfi/zap node transport; each is served by this
 * gateway's whole handler chain and answered with a type-201 message on the
 * same correlated connection.
 */
export interface ZapNodeListenerOptions {
  host: string;
  port: number;
  nodeId: string;
}

export async function startZapNodeListener(opts: ZapNodeListenerOptions, gatewayPort: number, log: Logger): Promise<{ port: number; close(): Promise<void> }> {
  const loopback = new GatewayLoopback(gatewayPort);
  const server: Server = createZapNodeServer(opts.nodeId, (conn) => {
    conn.setRequestHandler(async (message) => {
      const req = decodeHttpRequest(message);
      const res = await loopback.serve({ method: req.method, target: req.query ? `${req.path}?${req.query}` : req.path, headers: req.headers, body: req.body }, undefined);
      log.debug(`[ZAP] ${conn.peerId} ${req.method} ${req.path} ${res.status}`);
      return encodeHttpResponse(res);
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
      await loopback.close();
    },
  };
}
