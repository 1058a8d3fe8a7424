import type { BackendPlan } from '../plan/plan.js';
import { mapHost, type HostMap } from '../shared/host-map.js';
import type { Logger } from '../shared/log/logger.js';
import type { BackendStageFactory, Upstream, UpstreamDeps, UpstreamHandler, UpstreamRequest } from '../shared/upstream/upstream.js';
import { forwardingStage } from '../shared/upstream/forwarding-stage.js';
import { bufferBody } from '../shared/upstream/synthetic-response.js';
import { FRAMING, headerLinesOf, headerMapOf, rawHeaderBuffers } from './header-map.js';
import { PLUGIN_NAMESPACES, type ClientHandler, type ClientPlugin, type PluginConfig, type PluginLogger, type PluginRegistration, type PluginRequest, type PluginResponse } from './plugin-api.js';
import { configuredNames, createPlugin, errorText, findPlugin, PluginError, pluginConfig } from './registrations.js';

/** Where a client plugin's calls would have gone. */
export interface ClientPluginTarget {
  /** The backend's hosts; one is picked per call (uniformly at random, as the HTTP upstream does) to build `request.url`. */
  hosts: readonly string[];
  hostMap?: HostMap;
  log?: Logger | PluginLogger;
}

/**
 * One client plugin as an Upstream: the backend call goes to the plugin's
 * handler instead of the network, and its PluginResponse comes back through
 * the handler callbacks like a backend's (status, header lines,
 * body chunks, completion), so every endpoint kind treats it as a response.
 * The request body is read in full first. Cancelling (the `abort` given to
 * `onConnect`) aborts `request.signal` and reports the reason through
 * `onError`, as the HTTP upstream does. A handler that throws, rejects or
 * answers something that is not a PluginResponse fails the call (`onError`).
 */
export function createClientPluginUpstream(registration: ClientPlugin, config: PluginConfig, target: ClientPluginTarget): Upstream {
  const call = createPlugin(registration, config, target.log);
  if (typeof call !== 'function') {
    throw new PluginError('HGW_PLUGIN_FAILED', `client plugin "${registration.name}": create() must return a (request) => Promise<PluginResponse> function (got ${call === null ? 'null' : typeof call})`);
  }
  const origins = target.hosts.map((h) => trimSlash(mapHost(target.hostMap ?? {}, h)));
  return {
    dispatch(request: UpstreamRequest, handler: UpstreamHandler): void {
      new ClientPluginCall(registration.name, call, origins, request, handler).start();
    },
    async close(): Promise<void> {},
  };
}

/**
 * An UpstreamFactory for backends with
 * `extra_config["plugin/http-client"] = {"name": "x", "x": {...config}}`:
 * the named plugin replaces the HTTP client. Throws PluginError when the
 * backend names no client plugin, several, or one that is not loaded.
 */
export function clientPluginUpstream(registrations: readonly PluginRegistration[]): (backend: BackendPlan, deps: UpstreamDeps) => Upstream {
  return (backend, deps) => {
    const found = configuredClient(registrations, backend);
    if (!found) throw new PluginError('HGW_PLUGIN_NOT_FOUND', `backend ${backend.urlPattern}: extra_config["${PLUGIN_NAMESPACES.client}"] names no plugin`);
    return createClientPluginUpstream(found.registration, found.config, { hosts: backend.hosts, hostMap: deps.hostMap, log: deps.log });
  };
}

/**
 * The same as a backend stage, for stage lists: a backend that names a
 * client plugin is answered by it (the stage never calls the upstream
 * inside, which is only closed with it); any other backend passes through.
 */
export function clientPluginStage(registrations: readonly PluginRegistration[]): BackendStageFactory {
  return (backend, deps, next) => {
    const found = configuredClient(registrations, backend);
    if (!found) return next;
    const own = createClientPluginUpstream(found.registration, found.config, { hosts: backend.hosts, hostMap: deps.hostMap, log: deps.log });
    // The plugin answers by itself: the upstream inside is only closed with it, never waited for.
    return forwardingStage(next, { dispatch: own.dispatch, ready: undefined });
  };
}

function configuredClient(registrations: readonly PluginRegistration[], backend: BackendPlan): { registration: ClientPlugin; config: PluginConfig } | undefined {
  const namespace = backend.extraConfig[PLUGIN_NAMESPACES.client];
  const names = configuredNames(namespace);
  if (names.length === 0) return undefined;
  if (names.length > 1) throw new PluginError('HGW_PLUGIN_INVALID', `backend ${backend.urlPattern}: "${PLUGIN_NAMESPACES.client}" takes one plugin name, got ${names.join(', ')}`);
  const name = names[0]!;
  return { registration: findPlugin(registrations, 'client', name), config: pluginConfig(namespace, name) };
}

function trimSlash(s: string): string {
  return s.endsWith('/') ? s.slice(0, -1) : s;
}

/** One call: body read, plugin called, its answer replayed into the handler; settles exactly once. */
class ClientPluginCall {
  private readonly controller = new AbortController();
  private settled = false;
  private waiting: (() => void) | null = null;

  constructor(
    private readonly name: string,
    private readonly call: ClientHandler,
    private readonly origins: readonly string[],
    private readonly request: UpstreamRequest,
    private readonly handler: UpstreamHandler,
  ) {}

  start(): void {
    this.handler.onConnect(this.abort);
    void this.run().catch((e: unknown) => this.fail(e instanceof Error ? e : new Error(String(e))));
  }

  private readonly abort = (reason?: Error): void => {
    if (this.settled) return;
    this.settled = true;
    const err = reason ?? new Error('context canceled');
    this.controller.abort(err);
    this.resume();
    queueMicrotask(() => this.handler.onError(err));
  };

  private readonly resume = (): void => {
    const w = this.waiting;
    this.waiting = null;
    w?.();
  };

  private paused(): Promise<void> {
    return new Promise<void>((r) => (this.waiting = r));
  }

  private async run(): Promise<void> {
    const body = await bufferBody(this.request.body);
    if (this.settled) return;
    const origin = this.origins.length === 0 ? '' : this.origins.length === 1 ? this.origins[0]! : this.origins[(Math.random() * this.origins.length) | 0]!;
    const pluginRequest: PluginRequest = {
      method: this.request.method,
      url: origin + this.request.path,
      path: this.request.path,
      headers: headerMapOf(this.request.headers),
      body,
      signal: this.controller.signal,
    };
    this.request.url = pluginRequest.url;
    let response: PluginResponse;
    try {
      response = await this.call(pluginRequest);
    } catch (e) {
      this.fail(new PluginError('HGW_PLUGIN_FAILED', `client plugin "${this.name}": ${errorText(e)}`, { cause: e }));
      return;
    }
    if (this.settled) {
      discard(response);
      return;
    }
    const problem = responseProblem(response);
    if (problem) {
      this.fail(new PluginError('HGW_PLUGIN_FAILED', `client plugin "${this.name}": ${problem}`));
      return;
    }
    await this.deliver(response);
  }

  private async deliver(response: PluginResponse): Promise<void> {
    const lines = headerLinesOf(response.headers ?? {}, FRAMING);
    const body = response.body;
    const fixed = body === undefined || body === null ? Buffer.alloc(0) : typeof body === 'string' ? Buffer.from(body) : isBytes(body) ? Buffer.from(body.buffer, body.byteOffset, body.byteLength) : null;
    if (fixed) lines.push('Content-Length', String(fixed.length));
    if (!this.handler.onHeaders(response.status, rawHeaderBuffers(lines), this.resume, '')) await this.paused();
    if (this.settled) return;
    if (fixed) {
      if (fixed.length > 0) this.handler.onData(fixed);
    } else {
      for await (const chunk of body as AsyncIterable<Uint8Array | string>) {
        if (this.settled) return;
        const buf = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        if (!this.handler.onData(buf)) await this.paused();
      }
      if (this.settled) return;
    }
    this.settled = true;
    this.handler.onComplete(null);
  }

  private fail(err: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.handler.onError(err);
  }
}

function isBytes(x: unknown): x is Uint8Array {
  return x instanceof Uint8Array;
}

function isAsyncIterable(x: unknown): x is AsyncIterable<unknown> {
  return typeof x === 'object' && x !== null && typeof (x as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function';
}

/** Why a value is not a PluginResponse, or undefined when it is one. */
export function responseProblem(response: unknown): string | undefined {
  if (typeof response !== 'object' || response === null) return `the handler must resolve to a {status, headers?, body?} object (got ${response === null ? 'null' : typeof response})`;
  const r = response as Record<string, unknown>;
  if (typeof r.status !== 'number' || !Number.isInteger(r.status) || r.status < 200 || r.status > 599) return `"status" must be an integer HTTP status 200–599 (got ${JSON.stringify(r.status) ?? typeof r.status})`;
  if (r.headers !== undefined && (typeof r.headers !== 'object' || r.headers === null || Array.isArray(r.headers))) return '"headers" must be an object of name → value(s)';
  const body = r.body;
  if (body !== undefined && body !== null && typeof body !== 'string' && !isBytes(body) && !isAsyncIterable(body)) return `"body" must be a string, bytes or an async iterable of bytes (got ${typeof body})`;
  return undefined;
}

/** A streamed body nobody will read: let its producer stop. */
function discard(response: PluginResponse): void {
  const body = response?.body;
  if (isAsyncIterable(body)) void (body as AsyncIterable<unknown> & { return?: () => unknown })[Symbol.asyncIterator]().return?.();
}
