import type { Branding } from '../../shared/branding.js';
import { JsonNumber, type JsonValue } from '../../shared/json/json-number.js';
import type { ProxyContext, ProxyResponse } from '../../core/pipe/proxy.js';
import { parseQuery } from '../../core/query.js';
import { BackendRequestBuilder } from '../../core/request-builder.js';
import type { BackendPlan, EndpointPlan } from '../../plan/plan.js';
import { REQUEST_CLAIMS, type RequestWithClaims } from '../../core/middleware.js';

/**
 * The values a check sees, as krakend-cel builds them from Lura's request and
 * response: params under Lura's capitalised names (`req_params.Id`), the
 * headers and query the endpoint lets through (Lura's request carries only
 * those, plus X-Forwarded-For/-Host and User-Agent), `now` as RFC 3339 text.
 * At a backend, method and path are the backend's. JSON numbers become CEL
 * ints when whole, doubles otherwise; objects become Maps.
 */
export interface RequestView {
  /** Variables for `req_*` checks of this request. */
  request(ctx: ProxyContext): Record<string, unknown>;
}

export function requestView(endpoint: EndpointPlan, backend: BackendPlan | undefined, brand: Branding): RequestView {
  // Every endpoint has a backend; at the endpoint level only its header and query rules are used, not its own narrowing.
  const builder = new BackendRequestBuilder(endpoint, backend ?? endpoint.backends[0]!, brand);
  const names = endpoint.params.map((p) => p.charAt(0).toUpperCase() + p.slice(1));
  const allQuery = endpoint.inputQueryStrings.includes('*');
  const allowedQuery = new Set(endpoint.inputQueryStrings);
  return {
    request(ctx) {
      const params = new Map<string, string>();
      names.forEach((name, i) => params.set(name, ctx.params[i] ?? ''));
      const query = new Map<string, string[]>();
      for (const [k, v] of parseQuery(ctx.rawQuery)) if (allQuery || allowedQuery.has(k)) query.set(k, v);
      let method = ctx.req.method ?? 'GET';
      let path: string;
      if (backend) {
        method = backend.method;
        const full = builder.path(ctx.params, '', ctx.responses, (ctx.req as RequestWithClaims)[REQUEST_CLAIMS]);
        const q = full.indexOf('?');
        path = q === -1 ? full : full.slice(0, q);
      } else {
        const url = ctx.req.url ?? '/';
        const q = url.indexOf('?');
        path = q === -1 ? url : url.slice(0, q);
      }
      return {
        req_method: method,
        req_path: path,
        req_params: params,
        req_headers: headerMap(builder.headerList(ctx.req, backend !== undefined)),
        req_querystring: query,
        now: celNow(),
      };
    },
  };
}

export function responseActivation(response: ProxyResponse): Record<string, unknown> {
  return {
    resp_completed: response.isComplete,
    resp_metadata_status: BigInt(response.metadata?.status ?? 0),
    resp_metadata_headers: headerMap(response.metadata?.headers ?? []),
    resp_data: celValue(response.data),
    now: celNow(),
  };
}

export function jwtActivation(claims: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return { JWT: celValue(claims as JsonValue), now: celNow() };
}

/** Go's time.Now().Format(time.RFC3339), in UTC. */
export function celNow(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * CEL maps are JS Maps throughout: with plain objects a client's
 * `__proto__` or `constructor` header, query or JSON key would be taken for
 * the object's own machinery (and fool cel-js's type detection).
 */
function headerMap(lines: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const list = out.get(lines[i]!);
    if (list) list.push(lines[i + 1]!);
    else out.set(lines[i]!, [lines[i + 1]!]);
  }
  return out;
}

/** Our JSON value model → CEL values: whole numbers as int (bigint), others as double. */
export function celValue(v: unknown): unknown {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? BigInt(v) : v;
  if (v instanceof JsonNumber) return /^-?\d+$/.test(v.text) ? BigInt(v.text) : Number(v.text);
  if (Array.isArray(v)) return v.map(celValue);
  if (v !== null && typeof v === 'object') {
    const out = new Map<string, unknown>();
    for (const [k, x] of Object.entries(v)) out.set(k, celValue(x));
    return out;
  }
  return v;
}
