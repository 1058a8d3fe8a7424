import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EndpointPlan } from '../plan/plan.js';
import { COMPLETED_HEADER, POWERED_BY_HEADER, type Branding } from '../shared/branding.js';
import type { EndpointDeps, EndpointHandler, ResponseFinisher } from './endpoint-context.js';
import { encodeJson } from '../shared/json/encode-json.js';
import type { JsonObject } from '../shared/json/json-number.js';
import { requestHasBody } from './request-builder.js';
import { writeGatewayError } from './responses.js';
import { isPayloadTooLarge, readHeldBody, refuseDeclaredOversize } from './body-limit.js';
import { heldBodyLimit, PAYLOAD_TOO_LARGE } from '../shared/held-body-limit.js';
import { compileBackendProxy } from './pipe/backend-proxy.js';
import { BackendError } from './pipe/backend-error.js';
import { withConcurrentCalls } from './pipe/concurrent-calls.js';
import { compileMerge } from './pipe/merge.js';
import { canceled, deadlineExceeded, type Cancel, type Proxy, type ProxyContext, type ProxyResponse, type ProxyWrapper } from './pipe/proxy.js';
import { compileRender, JSON_TYPE, rendersPlainJson, type Render } from './pipe/render.js';
import { compileSequential } from './pipe/sequential.js';
import { withStaticData } from './pipe/static-data.js';
import { compileEndpointFlatmap } from './manipulation/backend-manipulation.js';
import { wrapOutermostFirst } from '../shared/wrap-outermost-first.js';

/**
 * Every endpoint that is not `no-op`: Lura's proxy pipe built once from the
 * Plan (backends → concurrent calls → merge or sequence → static data), then
 * the endpoint handler's rules for status and headers (krakend-semantics
 * §2.3): 200 with the rendered data whenever there is data, the completed
 * header only for a complete non-empty answer, Cache-Control from cache_ttl,
 * and the error's status and text (return_error_msg) when there is none.
 */
export function decodingEndpoint(endpoint: EndpointPlan, deps: EndpointDeps): EndpointHandler {
  const t = endpoint.timeoutMs;
  const codecs = deps.codecs ?? {};
  const render = compileRender(endpoint, codecs);
  // Answers may stay text (spliced, never decoded) only when nothing between backend and client reads the data.
  const { sequential, static: staticData, flatmapFilter } = endpoint.proxy;
  const splice = rendersPlainJson(render) && !deps.finisher && !deps.endpointWrappers?.length && !sequential && !staticData && !flatmapFilter;
  const compiled = endpoint.backends.map((b, i) => {
    const upstream = deps.upstreams[i];
    if (!upstream) throw new Error(`endpoint ${endpoint.method} ${endpoint.endpoint}: backend ${i} has no upstream`);
    const spliceBackend = splice && !deps.backendWrappers?.[i]?.length;
    return { shadow: b.shadow, proxy: wrapped(compileBackendProxy(endpoint, b, upstream, deps.brand, codecs, spliceBackend), deps.backendWrappers?.[i]) };
  });
  // `proxy.shadow` backends get a copy of the traffic; their answers are dropped.
  const shadows = compiled.filter((c) => c.shadow).map((c) => c.proxy);
  let backends: Proxy[] = compiled.filter((c) => !c.shadow).map((c) => c.proxy);
  if (backends.length === 0) throw new Error(`endpoint ${endpoint.method} ${endpoint.endpoint}: every backend is a shadow`);
  if (endpoint.concurrentCalls > 1) backends = backends.map((p) => withConcurrentCalls(p, endpoint.concurrentCalls, Math.floor(t * 0.75)));
  let pipe: Proxy;
  if (backends.length === 1) pipe = backends[0]!;
  else if (endpoint.proxy.sequential) pipe = compileSequential(backends, Math.floor(t * 0.85), endpoint.proxy.sequentialPropagatedParams);
  else pipe = compileMerge(backends, Math.floor(t * 0.85), endpoint.proxy.flatmapFilter ? compileEndpointFlatmap(endpoint.proxy.flatmapFilter) : undefined);
  if (endpoint.proxy.static) pipe = withStaticData(pipe, endpoint.proxy.static);
  pipe = wrapped(pipe, deps.endpointWrappers);

  const shared: Shared = {
    pipe,
    render,
    brand: deps.brand,
    timeoutMs: t,
    cacheControl: endpoint.cacheTtlMs > 0 ? `public, max-age=${Math.floor(endpoint.cacheTtlMs / 1000)}` : undefined,
    returnErrorMsg: deps.service.router.returnErrorMsg,
    bufferBody: backends.length + shadows.length > 1 || endpoint.concurrentCalls > 1,
    shadows,
    finisher: deps.finisher,
  };
  const limit = endpoint.maxPayload;
  const held = heldBodyLimit(limit);
  return (req, res, params, rawQuery) => {
    if (limit > 0 && refuseDeclaredOversize(req, res, limit, deps.brand)) return;
    const hasBody = requestHasBody(req);
    if (hasBody && shared.bufferBody) {
      // Several calls each need the body: read it once, hand each a copy.
      readHeldBody(req, res, held, (body) => new EndpointCall(shared, req, res).run(params, rawQuery, body), () => writeGatewayError(res, deps.brand, 413, PAYLOAD_TOO_LARGE));
      return;
    }
    new EndpointCall(shared, req, res).run(params, rawQuery, hasBody);
  };
}

/** `wrappers` outermost first around `proxy`. */
function wrapped(proxy: Proxy, wrappers: ProxyWrapper[] | undefined): Proxy {
  return wrappers ? wrapOutermostFirst(wrappers, proxy, (wrapper, next) => wrapper(next)) : proxy;
}

interface Shared {
  pipe: Proxy;
  render: Render;
  brand: Branding;
  timeoutMs: number;
  cacheControl: string | undefined;
  returnErrorMsg: boolean;
  bufferBody: boolean;
  shadows: Proxy[];
  finisher: ResponseFinisher | undefined;
}

class EndpointCall {
  private cancel: Cancel | null = null;
  private timer: NodeJS.Timeout | null = null;
  private finished = false;

  constructor(
    private readonly shared: Shared,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
  ) {}

  run(params: string[], rawQuery: string, body: Buffer | boolean): void {
    if (this.shared.timeoutMs > 0) this.timer = setTimeout(this.onTimeout, this.shared.timeoutMs);
    this.res.once('close', this.onClientClose);
    const ctx = { req: this.req, params, rawQuery, body };
    for (const shadow of this.shared.shadows) fireAndForget(shadow, ctx, this.shared.timeoutMs);
    this.cancel = this.shared.pipe(ctx, this.onResult);
  }

  private readonly onResult = (err: Error | null, response: ProxyResponse | null): void => {
    if (this.finished) return;
    this.finished = true;
    if (this.timer) clearTimeout(this.timer);
    const { brand, cacheControl, returnErrorMsg } = this.shared;
    if (!response && isPayloadTooLarge(err)) {
      writeGatewayError(this.res, brand, 413, PAYLOAD_TOO_LARGE);
      return;
    }
    if (!response) {
      const e = err ?? new Error('internal server error');
      const status = e instanceof BackendError && e.status !== undefined ? e.status : 500;
      if (e instanceof BackendError && e.body !== undefined) {
        // return_error_code: the backend's status, and with return_error_msg its body and Content-Type.
        writeGatewayError(this.res, brand, status, returnErrorMsg ? e.body.toString('utf8') : undefined, e.contentType);
      } else writeGatewayError(this.res, brand, status, returnErrorMsg ? e.message : undefined);
      return;
    }
    if (this.shared.finisher) {
      this.finish(this.shared.finisher, response.data);
      return;
    }
    let complete = false;
    const headers: Record<string, string | number> = { [POWERED_BY_HEADER]: brand.poweredBy };
    const canonical = response.canonical;
    const nonEmpty = canonical ? canonical.keys.length > 0 : Object.keys(response.data).length > 0;
    if (nonEmpty && response.isComplete) {
      complete = true;
      if (cacheControl) headers['Cache-Control'] = cacheControl;
    }
    headers[COMPLETED_HEADER] = complete ? 'true' : 'false';
    // A still-textual answer is already what the json render would write (only spliceable endpoints make one).
    const rendered = canonical ? { body: canonical.text, contentType: JSON_TYPE } : this.shared.render(this.req, response.data);
    const body = Buffer.from(rendered.body);
    headers['Content-Type'] = rendered.contentType;
    headers['Content-Length'] = body.length;
    this.res.writeHead(200, headers).end(body);
  };

  /** A finisher (auth/signer) owns the answer: JSON of what it returns, or an empty 400. */
  private finish(finisher: ResponseFinisher, data: JsonObject): void {
    finisher(data).then(
      (out) => {
        const body = Buffer.from(encodeJson(out));
        this.res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': body.length }).end(body);
      },
      () => this.res.writeHead(400, { 'Content-Length': 0 }).end(),
    );
  }

  private readonly onTimeout = (): void => {
    this.timer = null;
    this.cancel?.(deadlineExceeded());
  };

  private readonly onClientClose = (): void => {
    if (this.finished) return;
    this.finished = true;
    if (this.timer) clearTimeout(this.timer);
    this.cancel?.(canceled());
  };
}

/** A shadow call: same request, bounded by the endpoint timeout, answer ignored. */
function fireAndForget(proxy: Proxy, ctx: ProxyContext, timeoutMs: number): void {
  let timer: NodeJS.Timeout | undefined;
  const cancel = proxy(ctx, () => timer && clearTimeout(timer));
  if (timeoutMs > 0) timer = setTimeout(() => cancel(deadlineExceeded()), timeoutMs).unref();
}
