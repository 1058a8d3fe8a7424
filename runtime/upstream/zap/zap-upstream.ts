import type { BackendPlan } from '../../plan/plan.js';
import type { Upstream, UpstreamDeps, UpstreamHandler, UpstreamRequest } from '../upstream.js';
import { httpUpstream } from '../http/http-upstream.js';
import { bufferBody } from '../shared/synthetic-response.js';
import { decodeHttpResponse, encodeHttpRequest } from '../../zap/wire/http-messages.js';
import { zapNode, type ZapPeers } from './zap-peers.js';
import { counter } from '../../core/counters.js';

const FALLBACKS = counter('gateway_zap_fallbacks', 'ZAP backends served over HTTP because their peer was unreachable at start-up');

/**
 * `github.com/hanzoai/gateway/zap`: the backend is called over ZAP — the
 * request as one type-200 message on a shared, correlated connection to
 * `peer_addr`, the answer as one type-201 message (hgw's corrected layout,
 * runtime/zap/wire/LAYOUT.md). As in the Go gateway, a peer that cannot be
 * reached at start-up makes the backend plain HTTP for the process' life; at
 * request time a failure is a 502 with a clear body. mDNS discovery is not
 * implemented: without peer_addr the backend is served over HTTP.
 */
export function zapUpstream(backend: BackendPlan, deps: UpstreamDeps): Upstream {
  const cfg = backend.upstream;
  if (cfg.kind !== 'zap') throw new Error('zap upstream needs a zap backend');
  const http = httpUpstream(backend, deps);
  const node = zapNode(cfg.nodeId, cfg.port, deps.log);
  const zap: Zap = { node, addr: cfg.peerAddr, peerId: cfg.peerId, timeoutMs: cfg.timeoutMs, fallback: cfg.peerAddr === '' };
  if (!cfg.noDiscovery) deps.log.warn(`[ZAP] mDNS discovery of ${cfg.serviceType} is not available in hgw; dialling peer_addr ${cfg.peerAddr || '(none)'} directly`);
  const ready = zap.fallback
    ? Promise.resolve()
    : node.get(zap.addr).then(
        () => undefined,
        (e: Error) => {
          zap.fallback = true;
          FALLBACKS.add();
          deps.log.warn(`[ZAP] ${zap.addr} unreachable at start-up (${e.message}): backend ${backend.urlPattern} is served over HTTP`);
        },
      );
  return {
    ready,
    dispatch(request, handler) {
      if (zap.fallback) {
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

interface Zap {
  node: ZapPeers;
  addr: string;
  peerId: string;
  timeoutMs: number;
  fallback: boolean;
}

async function call(zap: Zap, request: UpstreamRequest, handler: UpstreamHandler): Promise<void> {
  let answered = false;
  let cancelled = false;
  handler.onConnect(() => (cancelled = true));
  const fail = (reason: string) => {
    if (answered || cancelled) return;
    answered = true;
    respondAfterConnect(handler, 502, JSON.stringify({ error: 'zap_unavailable', message: reason }));
  };
  try {
    const body = (await bufferBody(request.body)) ?? Buffer.alloc(0);
    const q = request.path.indexOf('?');
    const headers: Array<[string, string]> = [];
    for (let i = 0; i < request.headers.length; i += 2) headers.push([request.headers[i]!, request.headers[i + 1]!]);
    const message = encodeHttpRequest({
      method: request.method,
      path: q === -1 ? request.path : request.path.slice(0, q),
      query: q === -1 ? '' : request.path.slice(q + 1),
      headers,
      body,
    });
    request.url = `zap://${zap.addr}${request.path}`;
    const conn = await zap.node.get(zap.addr);
    if (zap.peerId !== '' && conn.peerId !== zap.peerId) throw new Error(`peer at ${zap.addr} is ${JSON.stringify(conn.peerId)}, not ${JSON.stringify(zap.peerId)}`);
    const res = decodeHttpResponse(await conn.call(message, zap.timeoutMs));
    if (cancelled || answered) return;
    answered = true;
    const raw: Buffer[] = [];
    for (const [k, v] of res.headers) raw.push(Buffer.from(k, 'latin1'), Buffer.from(v, 'latin1'));
    handler.onHeaders(res.status, raw, () => {}, '');
    if (res.body.length > 0) handler.onData(res.body);
    handler.onComplete(null);
  } catch (e) {
    fail(`zap call to ${zap.addr} failed: ${(e as Error).message}`);
  }
}

function respondAfterConnect(handler: UpstreamHandler, status: number, body: string): void {
  const bytes = Buffer.from(body);
  handler.onHeaders(status, [Buffer.from('Content-Type'), Buffer.from('application/json'), Buffer.from('Content-Length'), Buffer.from(String(bytes.length))], () => {}, '');
  handler.onData(bytes);
  handler.onComplete(null);
}

