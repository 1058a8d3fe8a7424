import type { UpstreamHandler, UpstreamRequest } from '../../shared/upstream/upstream.js';
import { bufferBody } from '../../shared/upstream/synthetic-response.js';
import { decodeHttpResponse, encodeHttpRequest } from '../../zap/wire/http-messages.js';
import { connectTarget, rawHeaderLines, respondUnavailable, wholeLength, type ZapTarget } from './zap-target.js';

/**
 * A call with `"envelope": "http"`: the request as one type-200 message, the
 * answer as one type-201 message (hgw's corrected layout,
 * runtime/zap/wire/LAYOUT.md) — for hgw peers only. The answer arrives
 * whole; a call cannot be withdrawn from the peer.
 */
export async function httpEnvelopeCall(zap: ZapTarget, request: UpstreamRequest, handler: UpstreamHandler): Promise<void> {
  let cancelled = false;
  let answered = false;
  handler.onConnect(() => (cancelled = true));
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
    const conn = await connectTarget(zap);
    const res = decodeHttpResponse(await conn.call(message, zap.timeoutMs));
    if (cancelled) return;
    answered = true;
    handler.onHeaders(res.status, rawHeaderLines(res.headers, wholeLength(request.method, res.status, res.body)), () => {}, '');
    if (res.body.length > 0) handler.onData(res.body);
    handler.onComplete(null);
  } catch (e) {
    if (!cancelled && !answered) respondUnavailable(handler, zap, e as Error);
  }
}
