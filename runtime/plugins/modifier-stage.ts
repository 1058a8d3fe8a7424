import { HELD_RESPONSE_LIMIT, ResponseTooLargeError } from '../core/buffered-call.js';
import type { Logger } from '../shared/log/logger.js';
import type { BackendStageFactory, Upstream, UpstreamHandler, UpstreamRequest } from '../shared/upstream/upstream.js';
import { forwardingStage } from '../shared/upstream/forwarding-stage.js';
import { bufferBody } from '../shared/upstream/synthetic-response.js';
import { FRAMING, headerLinesOf, headerMapOf, rawHeaderBuffers } from './header-map.js';
import { PLUGIN_NAMESPACES, type ModifiableRequest, type ModifiableResponse, type Modifier, type PluginLogger, type PluginRegistration } from './plugin-api.js';
import { configuredNames, createPlugin, errorText, findPlugin, PluginError, pluginConfig } from './registrations.js';
import { isPlainObject } from '../shared/is-plain-object.js';

/** A created modifier and the name it was configured under. */
export interface ResolvedModifier {
  name: string;
  modifier: Modifier;
}

/**
 * The modifiers an `extra_config["plugin/req-resp-modifier"]` value names
 * (`{"name": ["a", "b"], "a": {...config}}`), created in order with their
 * own config. Throws PluginError (not loaded, `create` threw, or returned
 * neither a `request` nor a `response` hook).
 */
export function resolveModifiers(registrations: readonly PluginRegistration[], namespaceValue: unknown, log?: Logger | PluginLogger): ResolvedModifier[] {
  return configuredNames(namespaceValue).map((name) => {
    const registration = findPlugin(registrations, 'modifier', name);
    const modifier = createPlugin(registration, pluginConfig(namespaceValue, name), log);
    const problem = modifierProblem(modifier);
    if (problem) throw new PluginError('HGW_PLUGIN_FAILED', `modifier plugin "${name}": ${problem}`);
    return { name, modifier };
  });
}

/** Why `create`'s result is not a Modifier, or undefined. */
export function modifierProblem(modifier: unknown): string | undefined {
  if (typeof modifier !== 'object' || modifier === null) return `create() must return {request?, response?} (got ${modifier === null ? 'null' : typeof modifier})`;
  const m = modifier as Record<string, unknown>;
  if (m.request !== undefined && typeof m.request !== 'function') return '"request" must be a function';
  if (m.response !== undefined && typeof m.response !== 'function') return '"response" must be a function';
  if (m.request === undefined && m.response === undefined) return 'create() returned neither a "request" nor a "response" hook';
  return undefined;
}

/** Runs the request hooks in order; each may change the request in place or return a new one. */
export async function applyRequestModifiers(modifiers: readonly ResolvedModifier[], request: ModifiableRequest): Promise<ModifiableRequest> {
  let current = request;
  for (const { name, modifier } of modifiers) {
    if (!modifier.request) continue;
    let out: ModifiableRequest | void;
    try {
      out = await modifier.request(current);
    } catch (e) {
      throw new PluginError('HGW_PLUGIN_FAILED', `modifier plugin "${name}": request(): ${errorText(e)}`, { cause: e });
    }
    current = checkedRequest(name, out ?? current);
  }
  return current;
}

/** Runs the response hooks in order; each may change the response in place or return a new one. */
export async function applyResponseModifiers(modifiers: readonly ResolvedModifier[], response: ModifiableResponse): Promise<ModifiableResponse> {
  let current = response;
  for (const { name, modifier } of modifiers) {
    if (!modifier.response) continue;
    let out: ModifiableResponse | void;
    try {
      out = await modifier.response(current);
    } catch (e) {
      throw new PluginError('HGW_PLUGIN_FAILED', `modifier plugin "${name}": response(): ${errorText(e)}`, { cause: e });
    }
    current = checkedResponse(name, out ?? current);
  }
  return current;
}

/**
 * A backend stage for `extra_config["plugin/req-resp-modifier"]` on the
 * backend: request hooks rewrite the UpstreamRequest (method, path, query,
 * headers, body — read in full first) before the upstream inside is
 * called; response hooks get the whole response (buffered) and what they
 * leave is replayed to the endpoint with a fresh Content-Length. Backends
 * without modifiers get the upstream inside untouched; with only request
 * hooks the response streams through.
 */
export function modifierStage(registrations: readonly PluginRegistration[]): BackendStageFactory {
  return (backend, deps, next) => {
    const modifiers = resolveModifiers(registrations, backend.extraConfig[PLUGIN_NAMESPACES.modifier], deps.log);
    return modifiers.length === 0 ? next : createModifierUpstream(modifiers, next);
  };
}

/** The stage's Upstream for given modifiers around `next` (also for endpoint-level modifiers the lead applies per backend). */
export function createModifierUpstream(modifiers: readonly ResolvedModifier[], next: Upstream): Upstream {
  const requestSide = modifiers.filter((m) => m.modifier.request);
  const responseSide = modifiers.filter((m) => m.modifier.response);
  return forwardingStage(next, {
    dispatch(request: UpstreamRequest, handler: UpstreamHandler): void {
      new ModifiedCall(requestSide, responseSide, next, request, handler).start();
    },
  });
}

/** UpstreamRequest ↔ ModifiableRequest. */
export function modifiableRequestOf(request: UpstreamRequest, body: Buffer | null): ModifiableRequest {
  const q = request.path.indexOf('?');
  return {
    method: request.method,
    path: q === -1 ? request.path : request.path.slice(0, q),
    query: q === -1 ? '' : request.path.slice(q + 1),
    headers: headerMapOf(request.headers),
    body,
  };
}

function upstreamRequestOf(r: ModifiableRequest, original: UpstreamRequest): UpstreamRequest {
  return { ...original, method: r.method, path: r.query === '' ? r.path : `${r.path}?${r.query}`, headers: headerLinesOf(r.headers, FRAMING), body: r.body };
}

/** One backend call through the modifiers; the handler hears exactly one of onComplete / onError. */
class ModifiedCall implements UpstreamHandler {
  private settled = false;
  private innerAbort: ((reason?: Error) => void) | null = null;
  private status = 0;
  private lines: string[] = [];
  private chunks: Buffer[] = [];
  private held = 0;

  constructor(
    private readonly requestSide: readonly ResolvedModifier[],
    private readonly responseSide: readonly ResolvedModifier[],
    private readonly next: Upstream,
    private readonly request: UpstreamRequest,
    private readonly handler: UpstreamHandler,
  ) {}

  start(): void {
    this.handler.onConnect(this.abort);
    if (this.requestSide.length === 0) {
      this.next.dispatch(this.request, this);
      return;
    }
    void (async () => {
      const body = await bufferBody(this.request.body);
      if (this.settled) return;
      const modified = await applyRequestModifiers(this.requestSide, modifiableRequestOf(this.request, body));
      if (this.settled) return;
      const out = upstreamRequestOf(modified, this.request);
      this.next.dispatch(out, this);
      this.request.url = out.url;
    })().catch((e: unknown) => this.fail(e instanceof Error ? e : new Error(String(e))));
  }

  private readonly abort = (reason?: Error): void => {
    if (this.settled) return;
    this.settled = true;
    const err = reason ?? new Error('context canceled');
    this.innerAbort?.(err);
    queueMicrotask(() => this.handler.onError(err));
  };

  onConnect(abort: (reason?: Error) => void): void {
    this.innerAbort = abort;
    if (this.settled) abort();
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void, statusText: string): boolean {
    if (this.settled) return false;
    if (this.responseSide.length === 0) return this.handler.onHeaders(statusCode, rawHeaders, resume, statusText);
    if (statusCode < 200) return true;
    this.status = statusCode;
    this.lines = rawHeaders.map((b) => b.toString('latin1'));
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.settled) return false;
    if (this.responseSide.length === 0) return this.handler.onData(chunk);
    // Response modifiers see the body whole: held to the same bound as a decoded backend body.
    this.held += chunk.length;
    if (this.held > HELD_RESPONSE_LIMIT) {
      this.chunks = [];
      this.abort(new ResponseTooLargeError(HELD_RESPONSE_LIMIT));
      return true;
    }
    this.chunks.push(chunk);
    return true;
  }

  onComplete(trailers: Buffer[] | null): void {
    if (this.settled) return;
    if (this.responseSide.length === 0) {
      this.settled = true;
      this.handler.onComplete(trailers);
      return;
    }
    const response: ModifiableResponse = { status: this.status, headers: headerMapOf(this.lines), body: Buffer.concat(this.chunks) };
    this.chunks = [];
    applyResponseModifiers(this.responseSide, response).then((r) => {
      if (this.settled) return;
      this.settled = true;
      const lines = headerLinesOf(r.headers, FRAMING);
      lines.push('Content-Length', String(r.body.length));
      this.handler.onHeaders(r.status, rawHeaderBuffers(lines), () => {}, '');
      if (r.body.length > 0) this.handler.onData(r.body);
      this.handler.onComplete(trailers);
    }, (e: unknown) => this.fail(e instanceof Error ? e : new Error(String(e))));
  }

  onError(err: Error): void {
    this.fail(err);
  }

  private fail(err: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.handler.onError(err);
  }
}

/** Bytes a hook left in `body`: Buffers pass; other bytes and strings are converted; anything else is refused. */
function bodyBytes(name: string, hook: string, body: unknown, nullable: boolean): Buffer | null {
  if (Buffer.isBuffer(body)) return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (typeof body === 'string') return Buffer.from(body);
  if (nullable && (body === null || body === undefined)) return null;
  throw new PluginError('HGW_PLUGIN_FAILED', `modifier plugin "${name}": ${hook}(): "body" must be a Buffer${nullable ? ' or null' : ''} (got ${body === null ? 'null' : typeof body}${isPlainObject(body) ? '; serialise it, e.g. Buffer.from(JSON.stringify(data))' : ''})`);
}

function checkHeaders(name: string, hook: string, headers: unknown): void {
  if (!isPlainObject(headers)) throw new PluginError('HGW_PLUGIN_FAILED', `modifier plugin "${name}": ${hook}(): "headers" must be an object of name → values`);
}

function checkedRequest(name: string, r: unknown): ModifiableRequest {
  if (!isPlainObject(r)) throw new PluginError('HGW_PLUGIN_FAILED', `modifier plugin "${name}": request() must change the request in place or return one (got ${typeof r})`);
  for (const field of ['method', 'path', 'query'] as const) {
    if (typeof r[field] !== 'string') throw new PluginError('HGW_PLUGIN_FAILED', `modifier plugin "${name}": request(): "${field}" must be a string`);
  }
  checkHeaders(name, 'request', r.headers);
  r.body = bodyBytes(name, 'request', r.body, true);
  return r as unknown as ModifiableRequest;
}

function checkedResponse(name: string, r: unknown): ModifiableResponse {
  if (!isPlainObject(r)) throw new PluginError('HGW_PLUGIN_FAILED', `modifier plugin "${name}": response() must change the response in place or return one (got ${typeof r})`);
  if (typeof r.status !== 'number' || !Number.isInteger(r.status) || r.status < 200 || r.status > 599) {
    throw new PluginError('HGW_PLUGIN_FAILED', `modifier plugin "${name}": response(): "status" must be an integer HTTP status 200–599`);
  }
  checkHeaders(name, 'response', r.headers);
  r.body = bodyBytes(name, 'response', r.body, false);
  return r as unknown as ModifiableResponse;
}
