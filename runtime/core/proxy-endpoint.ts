import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BackendPlan, EndpointPlan } from '../plan/plan.js';
import type { Upstream } from '../upstream/upstream.js';
import { COMPLETED_HEADER, POWERED_BY_HEADER, type Branding } from './branding.js';
import { BufferedCall, type BufferedResponse } from './buffered-call.js';
import type { EndpointDeps, EndpointHandler } from './endpoint-context.js';
import { BackendRequestBuilder, requestHasBody } from './request-builder.js';
import { writeGatewayError } from './responses.js';

/**
 * The Lura proxy pipe for decoding endpoints, first cut: every backend is
 * called at once, each 200/201 body is decoded (json, or `string` as
 * `{content}`), objects are merged, and the result is rendered as JSON with
 * `X-Gateway-Completed: true` only when every backend answered. The full
 * Lura semantics (manipulations, sequential, static, encodings, Go-exact
 * JSON) build on this shape in the core runtime.
 */
interface Leg {
  backend: BackendPlan;
  upstream: Upstream;
  builder: BackendRequestBuilder;
}

interface Shared {
  legs: Leg[];
  brand: Branding;
  timeoutMs: number;
  cacheControl: string | undefined;
  returnErrorMsg: boolean;
}

export function proxyEndpoint(endpoint: EndpointPlan, deps: EndpointDeps): EndpointHandler {
  const legs = endpoint.backends.map((backend, i) => {
    const upstream = deps.upstreams[i];
    if (!upstream) throw new Error(`endpoint ${endpoint.method} ${endpoint.endpoint}: backend ${i} has no upstream`);
    return { backend, upstream, builder: new BackendRequestBuilder(endpoint, backend, deps.brand) };
  });
  const shared: Shared = {
    legs,
    brand: deps.brand,
    timeoutMs: endpoint.timeoutMs,
    cacheControl: endpoint.cacheTtlMs > 0 ? `public, max-age=${Math.floor(endpoint.cacheTtlMs / 1000)}` : undefined,
    returnErrorMsg: deps.service.router.returnErrorMsg,
  };
  return (req, res, params, rawQuery) => {
    if (legs.length > 1 && requestHasBody(req)) {
      // Several backends each need the body: read it once, hand each a copy.
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.once('end', () => new FanOut(shared, req, res, params, rawQuery, Buffer.concat(chunks)).start());
      req.once('error', () => res.destroy());
      return;
    }
    new FanOut(shared, req, res, params, rawQuery, undefined).start();
  };
}

class FanOut {
  private readonly calls: BufferedCall[] = [];
  private readonly results: Array<BufferedResponse | null> = [];
  private readonly errors: string[] = [];
  private pending: number;
  private timer: NodeJS.Timeout | null = null;
  private finished = false;

  constructor(
    private readonly shared: Shared,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly params: string[],
    private readonly rawQuery: string,
    private readonly body: Buffer | undefined,
  ) {
    this.pending = shared.legs.length;
  }

  start(): void {
    const { legs, timeoutMs } = this.shared;
    if (timeoutMs > 0) this.timer = setTimeout(this.onTimeout, timeoutMs);
    this.res.once('close', this.onClientClose);
    const streamBody = this.body === undefined && requestHasBody(this.req);
    for (let i = 0; i < legs.length; i++) {
      const leg = legs[i]!;
      const request = leg.builder.build(this.req, this.params, this.rawQuery, streamBody);
      if (this.body !== undefined) request.body = this.body.length > 0 ? this.body : null;
      const call = new BufferedCall(i, this.onLeg);
      this.calls.push(call);
      leg.upstream.dispatch(request, call);
    }
  }

  private readonly onLeg = (err: Error | null, response: BufferedResponse | null, index: number): void => {
    if (err) this.errors.push(err.message);
    else if (response && response.status !== 200 && response.status !== 201) {
      const leg = this.shared.legs[index]!;
      this.errors.push(`invalid status code ${response.status} [${leg.backend.method} ${leg.backend.urlPattern}]`);
    } else this.results[index] = response;
    if (--this.pending === 0) this.render();
  };

  private render(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.timer) clearTimeout(this.timer);
    const data: Record<string, unknown> = {};
    let decoded = 0;
    for (let i = 0; i < this.shared.legs.length; i++) {
      const response = this.results[i];
      if (!response) continue;
      const value = decode(this.shared.legs[i]!.backend, response.body);
      if (value instanceof Error) {
        this.errors.push(value.message);
        continue;
      }
      decoded++;
      const leg = this.shared.legs[i]!.backend;
      if (leg.group) data[leg.group] = value;
      else if (value !== null && typeof value === 'object' && !Array.isArray(value)) Object.assign(data, value);
      else data.collection = value;
    }
    if (decoded === 0 && this.errors.length > 0) {
      writeGatewayError(this.res, this.shared.brand, 500, this.shared.returnErrorMsg ? this.errors.join('\n') : undefined);
      return;
    }
    const complete = this.errors.length === 0 && Object.keys(data).length > 0;
    const body = Buffer.from(JSON.stringify(data));
    const headers: Record<string, string | number> = {
      [POWERED_BY_HEADER]: this.shared.brand.poweredBy,
      [COMPLETED_HEADER]: complete ? 'true' : 'false',
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': body.length,
    };
    if (complete && this.shared.cacheControl) headers['Cache-Control'] = this.shared.cacheControl;
    this.res.writeHead(200, headers).end(body);
  }

  private readonly onTimeout = (): void => {
    this.timer = null;
    if (this.finished) return;
    const err = new Error('context deadline exceeded');
    for (const call of this.calls) call.cancel(err);
  };

  private readonly onClientClose = (): void => {
    if (this.finished) return;
    this.finished = true;
    if (this.timer) clearTimeout(this.timer);
    for (const call of this.calls) call.cancel(new Error('client closed the connection'));
  };
}

function decode(backend: BackendPlan, body: Buffer): unknown {
  if (backend.encoding === 'string') return { content: body.toString('utf8') };
  if (backend.encoding === 'no-op') return {};
  try {
    return body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
  } catch (e) {
    return new Error(`decoding the ${backend.urlPattern} response: ${(e as Error).message}`);
  }
}
