/**
 * `github.com/hanzoai/gateway/zap-listener`: where the ZAP node listener and
 * the loopback ZAP-HTTP listener bind, and the node's id. The environment
 * (HGW_ZAP_NODE_LISTEN, HGW_ZAP_NODE_ID, GATEWAY_ZAP_LISTEN) still wins at
 * start-up, as in Go, so addresses stay strings here; `hgw check` names the
 * configured ones that would not start.
 */
import { settingsParser } from '../plan/settings.js';
import { zapHttpListenAddress } from './zap-http-listener.js';
import { hostAndPort } from '../shared/go/split-host-port.js';

export interface ZapListenerSettings {
  nodeListen?: string;
  nodeId: string;
  zapHttpListen?: string;
}


export const zapListenerSettings = /* @__PURE__ */ settingsParser<ZapListenerSettings>((raw, problems) => {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const cfg = raw as Record<string, unknown>;
  const nodeListen = typeof cfg.node_listen === 'string' && cfg.node_listen !== '' ? cfg.node_listen : undefined;
  const zapHttpListen = typeof cfg.zap_http_listen === 'string' && cfg.zap_http_listen !== '' ? cfg.zap_http_listen : undefined;
  if (nodeListen !== undefined && !hostAndPort(nodeListen)) {
    problems.warn('/node_listen', `node_listen ${JSON.stringify(nodeListen)} is not host:port: the node listener does not start`, 'Write host:port, e.g. "0.0.0.0:9999" or ":9999".');
  }
  if (zapHttpListen !== undefined && !/^(off|false|0)$/i.test(zapHttpListen) && !zapHttpListenAddress(zapHttpListen)) {
    problems.warn('/zap_http_listen', `zap_http_listen ${JSON.stringify(zapHttpListen)} is not a loopback host:port: the ZAP-HTTP listener does not start`, 'Write a loopback address, e.g. "127.0.0.1:9652".');
  }
  return {
    ...(nodeListen ? { nodeListen } : {}),
    nodeId: typeof cfg.node_id === 'string' ? cfg.node_id : 'gateway',
    ...(zapHttpListen ? { zapHttpListen } : {}),
  };
});
