import { diagnosticAt } from '../../diagnostics/make.js';
import { backendBlocks, NS, str } from '../../config/view.js';
import type { GatewayRule } from '../context.js';

/** host:port with a hostname, IPv4 or [IPv6] literal and a port 1..65535. */
export function isHostPort(s: string): boolean {
  const m = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):(\d{1,5})$/.exec(s);
  if (!m) return false;
  const port = Number(m[2]);
  return port >= 1 && port <= 65535;
}

export const zapRule: GatewayRule = ({ doc, report }) => {
  for (const { block, pointer: at } of backendBlocks(doc.value, NS.zap)) {
    const peer = str(block.peer_addr);
    if (peer !== undefined && !isHostPort(peer)) {
      report(diagnosticAt(doc, 'zap-peer-addr', `${at}/peer_addr`, `peer_addr ${JSON.stringify(peer)} is not host:port`, {
        on: 'value', hint: /^[a-z]+:\/\//.test(peer) ? 'Drop the scheme: ZAP dials a TCP address, e.g. "cloud-api.hanzo.svc:9651".' : 'Write e.g. "cloud-api.hanzo.svc.cluster.local:9651".',
      }));
    }
    if (block.no_discovery === true && (peer === undefined || peer === '')) {
      report(diagnosticAt(doc, 'zap-no-peer', at, 'no_discovery is true but no peer_addr is set: the ZAP node has no way to reach its peer', {
        hint: 'Set "peer_addr": "host:port", or set "no_discovery": false to find the peer over mDNS.',
      }));
    }
  }
};
