import type { BackendPlan } from '../../plan/plan.js';
import type { Upstream, UpstreamDeps } from '../../shared/upstream/upstream.js';
import { httpUpstream } from '../http/http-upstream.js';
import { forwardCall } from './forward-call.js';
import { httpEnvelopeCall } from './http-envelope-call.js';
import { zapNode } from './zap-peers.js';
import type { ZapTarget } from './zap-target.js';
import { counter } from '../../shared/counters.js';

const FALLBACKS = counter('gateway_zap_fallbacks', 'ZAP backends served over HTTP because their peer was unreachable at start-up');

/**
 * `github.com/hanzoai/gateway/zap`: the backend is called over ZAP on a
 * shared, correlated connection to `peer_addr`. `envelope` picks the
 * messages: `forward` (default) — HIP-0110 Forward/Response/Push, what
 * Hanzo services serve; `http` — hgw's types 200/201, hgw-to-hgw. As in the
 * Go gateway, a peer that cannot be reached at start-up makes the backend
 * plain HTTP — but only until a background redial reaches it (Go keeps it on
 * HTTP for the process' life); at request time a failure is a 502 with a
 * clear body. mDNS discovery is not implemented: without peer_addr the
 * backend is served over HTTP.
 */
export function zapUpstream(backend: BackendPlan, deps: UpstreamDeps): Upstream {
  const cfg = backend.upstream;
  if (cfg.kind !== 'zap') throw new Error('zap upstream needs a zap backend');
  const http = httpUpstream(backend, deps);
  const node = zapNode(cfg.nodeId, cfg.port, deps.log);
  const zap: ZapTarget = { node, addr: cfg.peerAddr, peerId: cfg.peerId, timeoutMs: cfg.timeoutMs };
  let fallback = cfg.peerAddr === '';
  const call = cfg.envelope === 'http' ? httpEnvelopeCall : forwardCall;
  if (!cfg.noDiscovery) deps.log.warn(`[ZAP] mDNS discovery of ${cfg.serviceType} is not available in hgw; dialling peer_addr ${cfg.peerAddr || '(none)'} directly`);
  const ready = fallback
    ? Promise.resolve()
    : node.get(zap.addr).then(
        () => undefined,
        (e: Error) => {
          fallback = true;
          FALLBACKS.add();
          node.downAtStartup(zap.addr, e, backend.urlPattern, deps.log, () => {
            fallback = false;
          });
        },
      );
  return {
    ready,
    dispatch(request, handler) {
      if (fallback) {
        http.dispatch(request, handler);
        return;
      }
      void call(zap, request, handler);
    },
    async close() {
      node.close();
    },
  };
}
