import type { IncomingMessage } from 'node:http';
import type { BackendPlan, EndpointPlan } from '../plan/plan.js';
import type { UpstreamRequest } from '../shared/upstream/upstream.js';
import type { Branding } from '../shared/branding.js';
import { canonicalHeaderKey } from '../shared/headers/canonical-header-key.js';
import { clientIpFrom } from '../shared/client-ip/client-ip.js';
import { encodeQuery, parseQuery, type QueryValues } from './query.js';
import { compileUrlPattern, expandUrlPattern, type CompiledPattern } from './url-pattern.js';
import type { JsonValue } from '../shared/json/json-number.js';
import { PayloadTooLargeError } from '../shared/held-body-limit.js';
import { REQUEST_CLAIMS, type RequestWithClaims } from './middleware.js';
import { VERIFIED_IDENTITY, type RequestWithIdentity, type VerifiedIdentity } from '../shared/headers/verified-identity.js';
import { TRACE_HEADER_NAMES, TRACE_HEADERS, type TracedRequest } from './trace-headers.js';
import { REQUEST_ID, REQUEST_ID_HEADER, REQUEST_ID_OWNED, type RequestWithId } from '../shared/request-id.js';

/**
 * Builds the request Lura would send to one backend: the url_pattern with the
 * endpoint's params, the allowed query re-encoded Go-style, the allowed
 * headers in canonical form, then X-Forwarded-For / X-Forwarded-Host and the
 * branded User-Agent. Everything that depends only on the config is worked
 * out here once; `build` does only per-request work.
 */

/** Connection-level headers a proxy must not forward (undici also refuses several). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'expect', 'host']);

class HeaderFilter {
  /** null: every header. Otherwise lower-case name → canonical name. */
  readonly allowed: Map<string, string> | null;

  constructor(names: string[]) {
    this.allowed = names.includes('*') ? null : new Map(names.map((n) => [n.toLowerCase(), canonicalHeaderKey(n)]));
  }

  has(lower: string): boolean {
    return this.allowed === null || this.allowed.has(lower);
  }
}

export class BackendRequestBuilder {
  readonly method: string;
  readonly pattern: CompiledPattern;
  private readonly headers: HeaderFilter;
  private readonly backendHeaders: HeaderFilter | null;
  /** null: forward no query; '*' in the list forwards all. */
  private readonly query: Set<string> | 'all' | null;
  private readonly forwardsUserAgent: boolean;
  private readonly forwardsContentLength: boolean;
  private readonly maxPayload: number;
  private readonly canonical = new Map<string, string>();
  /**
   * input_headers names X-Request-ID: the backend always gets the request id
   * (generated when the client sent none). Under `*` it only replaces the
   * client's own line, so no backend sees a header KrakenD would not send.
   * When the gateway owns the id (the hanzo profile) every backend gets it.
   */
  private readonly namesRequestId: boolean;

  constructor(
    endpoint: EndpointPlan,
    backend: BackendPlan,
    private readonly brand: Branding,
  ) {
    this.method = backend.method;
    this.pattern = compileUrlPattern(backend.urlPattern, endpoint.params);
    this.headers = new HeaderFilter(endpoint.inputHeaders);
    this.backendHeaders = backend.inputHeaders ? new HeaderFilter(backend.inputHeaders) : null;
    const queryNames = backend.inputQueryStrings
      ? endpoint.inputQueryStrings.includes('*')
        ? backend.inputQueryStrings
        : backend.inputQueryStrings.filter((q) => q === '*' || endpoint.inputQueryStrings.includes(q))
      : endpoint.inputQueryStrings;
    const all = endpoint.inputQueryStrings.includes('*') && (!backend.inputQueryStrings || backend.inputQueryStrings.includes('*'));
    this.query = all ? 'all' : queryNames.length > 0 ? new Set(queryNames.filter((q) => q !== '*')) : null;
    this.forwardsUserAgent = this.headers.has('user-agent');
    this.namesRequestId = this.headers.allowed?.has('x-request-id') === true;
    this.maxPayload = endpoint.maxPayload;
    this.forwardsContentLength = this.headers.has('content-length') && (this.backendHeaders === null || this.backendHeaders.has('content-length'));
  }

  /**
   * `body`: a Buffer when the endpoint read it once for several backends, else
   * whether the client request has one to stream. A streamed body goes chunked,
   * as Go sends a body of unknown length, unless Content-Length is forwarded.
   */
  build(req: IncomingMessage, params: string[], rawQuery: string, body: Buffer | boolean, responses?: ReadonlyArray<JsonValue | undefined>): UpstreamRequest {
    const built: UpstreamRequest = {
      method: this.method,
      path: this.path(params, rawQuery, responses, (req as RequestWithClaims)[REQUEST_CLAIMS]),
      headers: this.headerList(req),
      body: Buffer.isBuffer(body) ? (body.length > 0 ? body : null) : body ? (this.forwardsContentLength ? req : chunked(req, this.maxPayload)) : null,
    };
    const identity = (req as RequestWithIdentity)[VERIFIED_IDENTITY];
    if (identity !== undefined) built.identity = identity;
    return built;
  }

  path(params: string[], rawQuery: string, responses?: ReadonlyArray<JsonValue | undefined>, claims?: Readonly<Record<string, unknown>>): string {
    const base = expandUrlPattern(this.pattern, params, responses, claims);
    if (this.query === null || rawQuery === '') return base;
    const parsed = parseQuery(rawQuery);
    let kept: QueryValues = parsed;
    if (this.query !== 'all') {
      kept = new Map();
      for (const [k, v] of parsed) if (this.query.has(k)) kept.set(k, v);
    }
    const encoded = encodeQuery(kept);
    if (encoded === '') return base;
    return base + (this.pattern.hasQuery ? '&' : '?') + encoded;
  }

  /**
   * The header lines Lura puts on the request: the allowed client headers in
   * canonical form, X-Forwarded-For / X-Forwarded-Host, the branded
   * User-Agent; `narrow` applies the backend's own input_headers too.
   */
  headerList(req: IncomingMessage, narrow = true): string[] {
    const raw = req.rawHeaders;
    const out: string[] = [];
    const trace = (req as TracedRequest)[TRACE_HEADERS];
    const minted = (req as RequestWithIdentity)[VERIFIED_IDENTITY];
    const requestId = (req as RequestWithId)[REQUEST_ID];
    const ownsId = (req as RequestWithId)[REQUEST_ID_OWNED] === true;
    const addsId = requestId !== undefined && (ownsId || this.namesRequestId);
    let sentId = false;
    let xff: string | undefined;
    let realIp: string | undefined;
    let host: string | undefined;
    for (let i = 0; i < raw.length; i += 2) {
      const lower = raw[i]!.toLowerCase();
      if (lower === 'host') {
        host ??= raw[i + 1];
        continue;
      }
      if (lower === 'x-forwarded-for') {
        xff ??= raw[i + 1];
        continue;
      }
      if (lower === 'x-real-ip') realIp ??= raw[i + 1];
      if (HOP_BY_HOP.has(lower) || lower === 'x-forwarded-host' || lower === 'x-forwarded-via') continue;
      if (!this.headers.has(lower) && (minted === undefined || !isMinted(minted, lower))) continue;
      // With telemetry on, the gateway's span is the parent the backend sees, not the client's.
      if (trace && TRACE_HEADER_NAMES.has(lower)) continue;
      // The gateway's checked request id stands in for the client's (once); an owned or named one is added below.
      if (requestId !== undefined && lower === 'x-request-id') {
        if (!addsId && !sentId) out.push(REQUEST_ID_HEADER, requestId);
        sentId = true;
        continue;
      }
      out.push(this.canonicalName(raw[i]!, lower), raw[i + 1]!);
    }
    if (trace) out.push(...trace);
    if (addsId) out.push(REQUEST_ID_HEADER, requestId);
    out.push('X-Forwarded-For', clientIpFrom(xff, realIp, req));
    if (host !== undefined) out.push('X-Forwarded-Host', host);
    out.push(this.forwardsUserAgent ? 'X-Forwarded-Via' : 'User-Agent', this.brand.userAgent);
    return this.backendHeaders && narrow ? this.narrow(out, minted, ownsId) : out;
  }

  /** A backend-level input_headers narrows again, and can drop X-Forwarded-* and User-Agent too (as Lura's code does); minted identity and an owned request id stay. */
  private narrow(list: string[], minted: VerifiedIdentity | undefined, ownsId: boolean): string[] {
    const out: string[] = [];
    for (let i = 0; i < list.length; i += 2) {
      const lower = list[i]!.toLowerCase();
      if (this.backendHeaders!.has(lower) || (minted !== undefined && isMinted(minted, lower)) || (ownsId && lower === 'x-request-id')) out.push(list[i]!, list[i + 1]!);
    }
    return out;
  }

  private canonicalName(name: string, lower: string): string {
    const known = this.headers.allowed?.get(lower);
    if (known) return known;
    let c = this.canonical.get(lower);
    if (c === undefined) {
      c = canonicalHeaderKey(name);
      if (this.canonical.size < 1024) this.canonical.set(lower, c);
    }
    return c;
  }
}

/** The client body as an iterable of unknown length, which undici sends chunked; counted against max_payload. */
async function* chunked(req: IncomingMessage, limit: number): AsyncGenerator<Buffer> {
  let seen = 0;
  for await (const chunk of req) {
    seen += (chunk as Buffer).length;
    if (limit > 0 && seen > limit) throw new PayloadTooLargeError();
    yield chunk as Buffer;
  }
}

/** Whether a client request carries a body (Go: ContentLength != 0 or chunked), read from rawHeaders. */
export function requestHasBody(req: IncomingMessage): boolean {
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 17 && name.toLowerCase() === 'transfer-encoding') return true;
    if (name.length === 14 && name.toLowerCase() === 'content-length') return raw[i + 1]!.trim() !== '0';
  }
  return false;
}

/** Whether the gate minted a header of this (lower-case) name; a handful of lines, so a scan. */
function isMinted(identity: VerifiedIdentity, lower: string): boolean {
  for (const [name] of identity) if (name.length === lower.length && name.toLowerCase() === lower) return true;
  return false;
}
