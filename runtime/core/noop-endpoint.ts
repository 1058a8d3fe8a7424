import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EndpointPlan } from '../plan/plan.js';
import type { Upstream, UpstreamHandler } from '../shared/upstream/upstream.js';
import { COMPLETED_HEADER, POWERED_BY_HEADER, type Branding } from '../shared/branding.js';
import type { EndpointDeps, EndpointHandler } from './endpoint-context.js';
import { BackendRequestBuilder, requestHasBody } from './request-builder.js';
import { writeGatewayError, writeHeadLines } from './responses.js';
import { isPayloadTooLarge, refuseDeclaredOversize } from './body-limit.js';
import { PAYLOAD_TOO_LARGE } from '../shared/held-body-limit.js';
import { BackendError } from './pipe/backend-error.js';
import { NO_CANCEL, type Proxy } from './pipe/proxy.js';
import { wrapOutermostFirst } from '../shared/wrap-outermost-first.js';
import { markFastPathReady } from './fast-path/fast-path-ready.js';

/**
 * `output_encoding: no-op`: the backend's status, headers and body reach the
 * client as they arrive — nothing is parsed or buffered, so server-sent events
 * flow event by event and large bodies never sit in memory. The request body
 * streams to the backend the same way. A client that goes away cancels the
 * backend call; the endpoint timeout bounds the whole exchange.
 */

/** Response headers that describe the backend connection, not the message. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'trailer']);

interface NoopShared {
  upstream: Upstream;
  brand: Branding;
  timeoutMs: number;
  returnErrorMsg: boolean;
}

export function noopEndpoint(endpoint: EndpointPlan, deps: EndpointDeps): EndpointHandler {
  const backend = endpoint.backends[0];
  const upstream = deps.upstreams[0];
  if (!backend || !upstream) throw new Error(`no-op endpoint ${endpoint.method} ${endpoint.endpoint} needs exactly one backend`);
  const builder = new BackendRequestBuilder(endpoint, backend, deps.brand);
  const shared: NoopShared = { upstream, brand: deps.brand, timeoutMs: endpoint.timeoutMs, returnErrorMsg: deps.service.router.returnErrorMsg };
  const limit = endpoint.maxPayload;
  const wrappers = [...(deps.endpointWrappers ?? []), ...(deps.backendWrappers?.[0] ?? [])];
  if (wrappers.length === 0) {
    // Uses only what the fast path's raw response offers, so the fast path may run it (core/fast-path/).
    return markFastPathReady((req, res, params, rawQuery) => {
      if (limit > 0 && refuseDeclaredOversize(req, res, limit, deps.brand)) return;
      const call = new NoopCall(shared, res);
      shared.upstream.dispatch(builder.build(req, params, rawQuery, requestHasBody(req)), call);
    });
  }
  // Proxy middlewares (CEL, JSON Schema, Lua) see the request as in a decoding endpoint; the answer
  // then streams as always, so their response-side checks and scripts have nothing to run on.
  const responses = new WeakMap<IncomingMessage, ServerResponse>();
  const dispatch: Proxy = (ctx, done) => {
    const request = builder.build(ctx.req, ctx.params, ctx.rawQuery, ctx.body);
    const refused = ctx.modifyRequest?.(request);
    if (refused) {
      done(refused, null);
      return NO_CANCEL;
    }
    shared.upstream.dispatch(request, new NoopCall(shared, responses.get(ctx.req)!));
    return NO_CANCEL;
  };
  const pipe = wrapOutermostFirst(wrappers, dispatch, (wrapper, next) => wrapper(next));
  return (req, res, params, rawQuery) => {
    if (limit > 0 && refuseDeclaredOversize(req, res, limit, deps.brand)) return;
    responses.set(req, res);
    pipe({ req, params, rawQuery, body: requestHasBody(req) }, (err) => {
      if (err) writeRefusal(res, deps.brand, err, shared.returnErrorMsg);
    });
  };
}

/** A proxy middleware's refusal, as the decoding endpoint writes one: its status (413, a BackendError's) and text. */
function writeRefusal(res: ServerResponse, brand: Branding, err: Error, returnErrorMsg: boolean): void {
  if (isPayloadTooLarge(err)) writeGatewayError(res, brand, 413, PAYLOAD_TOO_LARGE);
  else writeGatewayError(res, brand, err instanceof BackendError && err.status !== undefined ? err.status : 500, returnErrorMsg ? err.message : undefined);
}

/** One backend exchange streamed to the client; a class so every call has the same shape. */
class NoopCall implements UpstreamHandler {
  private abort: ((reason?: Error) => void) | null = null;
  private resume: (() => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private done = false;
  /** Bytes of a sized body still to come; -1 when the length is unknown. */
  private remaining = -1;
  /** A sized body that arrived whole in one chunk, held so head and body leave in one `end`. */
  private whole: Buffer | null = null;

  constructor(
    private readonly shared: NoopShared,
    private readonly res: ServerResponse,
  ) {
    res.on('close', this.onClientClose); // a response closes once; `once` would add a wrapper per request
    if (shared.timeoutMs > 0) this.timer = setTimeout(this.onTimeout, shared.timeoutMs);
  }

  onConnect(abort: (reason?: Error) => void): void {
    this.abort = abort;
    if (this.done) abort(new Error('client closed the connection')); // it left while the call was queued
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void): boolean {
    if (statusCode < 200) return true; // 1xx interim answers are not relayed
    this.resume = resume;
    const headers: string[] = [POWERED_BY_HEADER, this.shared.brand.poweredBy, COMPLETED_HEADER, 'false'];
    let sized = false;
    for (let i = 0; i < rawHeaders.length; i += 2) {
      const name = rawHeaders[i]!.toString('latin1');
      const lower = name.toLowerCase();
      if (HOP_BY_HOP.has(lower)) continue;
      const value = rawHeaders[i + 1]!.toString('latin1');
      if (lower === 'content-length') {
        sized = true;
        this.remaining = Number(value);
      }
      headers.push(name, value);
    }
    writeHeadLines(this.res, statusCode, headers);
    // A body of unknown length may be a stream (SSE, a long poll): the client sees the head at once.
    // A sized body goes out with its first chunk instead, one write fewer per response.
    if (!sized) this.res.flushHeaders();
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (chunk.length === this.remaining && this.whole === null) {
      // The common small response: all of it in one read. `end(chunk)` sends head and body in one
      // write without the cork-and-uncork a `write` then `end` costs.
      this.whole = chunk;
      return true;
    }
    const flowing = this.res.write(chunk);
    if (!flowing) this.res.once('drain', this.resume!);
    return flowing;
  }

  onComplete(): void {
    this.finish();
    if (this.whole !== null) this.res.end(this.whole);
    else this.res.end();
  }

  onError(err: Error): void {
    if (this.done) return;
    this.finish();
    if (isPayloadTooLarge(err)) writeGatewayError(this.res, this.shared.brand, 413, PAYLOAD_TOO_LARGE);
    else writeGatewayError(this.res, this.shared.brand, 500, this.shared.returnErrorMsg ? err.message : undefined);
  }

  private finish(): void {
    this.done = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private readonly onTimeout = (): void => {
    this.timer = null;
    if (this.done) return;
    const err = new Error('context deadline exceeded');
    this.onError(err);
    this.abort?.(err);
  };

  /** The client went away (or the response finished): stop the backend call if it still runs. */
  private readonly onClientClose = (): void => {
    if (this.done) return;
    this.finish();
    this.abort?.(new Error('client closed the connection'));
  };
}
