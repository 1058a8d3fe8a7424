import type { ListenerFactory } from '../core/start.js';
import { startZapNodeListener } from './zap-node-listener.js';
import { startZapHttpListener, zapHttpListenAddress } from './zap-http-listener.js';
import { startTlsTerminator, tlsTerminatorConfigFromEnv } from './tls-terminator.js';
import { hostAndPort } from '../shared/go/split-host-port.js';
import { GatewayDispatch } from './gateway-dispatch.js';

/**
 * The ZAP surfaces of a gateway, linked when the service names
 * `github.com/hanzoai/gateway/zap-listener`:
 * - the node listener (`node_listen`, env HGW_ZAP_NODE_LISTEN; `node_id`, env
 *   HGW_ZAP_NODE_ID) for other gateways' zap backends (types 200/201);
 * - the loopback ZAP-HTTP listener (`zap_http_listen`, env GATEWAY_ZAP_LISTEN; loopback only);
 * - the TLS 1.3 terminator (env ZAP_LISTENER_ENABLED, ZAP_LISTENER_PORT, ZAP_TLS_CERT, ZAP_TLS_KEY, ZAP_INTERNAL_ADDR).
 * A surface that fails to start is logged and the HTTP listener carries on, as in Go.
 */
export const zapListeners: ListenerFactory = async ({ service, env, port, enter, log }) => {
  const cfg = service.settings['zap/listeners'] ?? { nodeId: 'gateway' };
  const closers: Array<() => Promise<void>> = [];
  const attempt = async (what: string, start: () => Promise<{ close(): Promise<void> } | undefined>) => {
    try {
      const started = await start();
      if (started) closers.push(() => started.close());
    } catch (e) {
      log.warn(`[ZAP] ${what} not started: ${(e as Error).message}`);
    }
  };
  // Both listeners hand their requests to the gateway in-process; Host and the head limit are the HTTP port's.
  const dispatch = new GatewayDispatch(enter, { host: `127.0.0.1:${port}`, maxHeaderBytes: service.server.maxHeaderBytes > 0 ? service.server.maxHeaderBytes : 1 << 20 });
  const nodeListen = env.HGW_ZAP_NODE_LISTEN ?? cfg.nodeListen;
  if (nodeListen) {
    await attempt('node listener', async () => {
      const address = hostAndPort(nodeListen);
      if (!address) throw new Error(`node_listen ${JSON.stringify(nodeListen)} is not host:port`);
      return startZapNodeListener({ ...address, nodeId: env.HGW_ZAP_NODE_ID ?? cfg.nodeId }, dispatch, log);
    });
  }
  const httpListen = zapHttpListenAddress(env.GATEWAY_ZAP_LISTEN ?? cfg.zapHttpListen);
  if (httpListen) await attempt('ZAP-HTTP listener', () => startZapHttpListener(httpListen, dispatch, log));
  const tls = tlsTerminatorConfigFromEnv(env);
  if (tls.enabled) await attempt('TLS terminator', () => startTlsTerminator(tls, log));
  return {
    close: async () => {
      await Promise.allSettled(closers.map((c) => c()));
    },
  };
};
