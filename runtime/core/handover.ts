import type { GatewayServer } from './server.js';

/**
 * A reload's end for the old gateway (`hgw run` moved traffic to a new one):
 * unlike a shutdown drain, nothing gets a 503. The listener closes (new
 * connections go to the new gateway, which shares the port through
 * node:cluster), requests on open connections are served as usual but
 * answered with `Connection: close`, so every client reconnects — to the new
 * gateway — after its next answer. Once no connection is left, or after
 * `graceMs` for clients that keep an idle connection and send nothing, the
 * ordinary drain closes what remains.
 */
export async function handOver(server: GatewayServer, drain: () => Promise<void>, graceMs: number): Promise<void> {
  server.handOverStart();
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && (await server.openConnections()) > 0) await new Promise((r) => setTimeout(r, 25));
  // Connections still idle after the grace close now, before the drain would 503 a request arriving on one.
  server.closeIdleConnections();
  await drain();
}
