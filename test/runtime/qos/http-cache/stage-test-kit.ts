/**
 * Why: backend stages are tested against an upstream whose answers and call
 * count the test controls — a fake that speaks the same handler callbacks
 * as the real ones (asynchronously, abortable, optionally held mid-body) —
 * plus the plan and deps a stage factory needs. Shared by the circuit
 * breaker and HTTP cache suites.
 */
import { createLogger } from '../../../../runtime/shared/log/logger.js';
import type { BackendPlan, ServicePlan } from '../../../../runtime/plan/plan.js';
import { levelSettings } from '../../../../cli/plan/module-settings.js';
import { UpstreamPools } from '../../../../runtime/upstream/http/pools.js';
import type { Upstream, UpstreamDeps, UpstreamHandler, UpstreamRequest } from '../../../../runtime/shared/upstream/upstream.js';

export interface FakeAnswer {
  status?: number;
  headers?: Array<[string, string]>;
  /** The body, or its chunks in order. */
  body?: string | string[];
  /** Fail the call with this transport error instead of answering. */
  error?: Error;
  /** Deliver the headers and first chunk, then wait for `releaseHeld()` before the rest. */
  holdAfterFirstChunk?: boolean;
  /** Wait for `releaseHeld()` before answering at all. */
  hold?: boolean;
}

export class FakeUpstream implements Upstream {
  readonly calls: UpstreamRequest[] = [];
  readonly aborts: Array<Error | undefined> = [];
  closed = 0;
  readonly ready = Promise.resolve();
  private held: Array<() => void> = [];

  constructor(public answer: FakeAnswer | ((request: UpstreamRequest) => FakeAnswer) = { status: 200, body: 'ok' }) {}

  dispatch(request: UpstreamRequest, handler: UpstreamHandler): void {
    this.calls.push({ ...request, headers: [...request.headers] });
    const a = typeof this.answer === 'function' ? this.answer(request) : this.answer;
    let aborted = false;
    handler.onConnect((reason) => {
      if (aborted) return;
      aborted = true;
      this.aborts.push(reason);
      setImmediate(() => handler.onError(reason ?? new Error('aborted')));
    });
    const chunks = a.body === undefined ? [] : Array.isArray(a.body) ? a.body : [a.body];
    const rest = (from: number) => {
      if (aborted) return;
      for (let i = from; i < chunks.length; i++) handler.onData(Buffer.from(chunks[i]!));
      handler.onComplete(null);
    };
    const start = () => {
      if (aborted) return;
      if (a.error) {
        handler.onError(a.error);
        return;
      }
      const raw = (a.headers ?? []).flat().map((h) => Buffer.from(h, 'latin1'));
      handler.onHeaders(a.status ?? 200, raw, () => {}, '');
      if (a.holdAfterFirstChunk) {
        if (chunks.length > 0) handler.onData(Buffer.from(chunks[0]!));
        this.held.push(() => rest(1));
      } else rest(0);
    };
    if (a.hold) this.held.push(start);
    else setImmediate(start);
  }

  /** Lets every held call go on. */
  releaseHeld(): void {
    const held = this.held;
    this.held = [];
    for (const go of held) go();
  }

  async close(): Promise<void> {
    this.closed++;
  }
}

export interface CallResult {
  status: number;
  /** Flat `[name, value, …]`. */
  headers: string[];
  body: string;
  error?: Error;
  /** The abort function the stage handed to the handler. */
  abort: ((reason?: Error) => void) | null;
}

/** A handler recording every callback; `done` settles at onComplete or onError. */
export function recordingHandler(): { handler: UpstreamHandler; done: Promise<CallResult>; result: CallResult; events: string[] } {
  const result: CallResult = { status: 0, headers: [], body: '', abort: null };
  const events: string[] = [];
  const chunks: Buffer[] = [];
  let settle: (r: CallResult) => void = () => {};
  const done = new Promise<CallResult>((r) => (settle = r));
  const handler: UpstreamHandler = {
    onConnect(abort) {
      events.push('connect');
      result.abort = abort;
    },
    onHeaders(status, raw) {
      events.push(`headers ${status}`);
      result.status = status;
      result.headers = raw.map((b) => b.toString('latin1'));
      return true;
    },
    onData(chunk) {
      events.push(`data ${chunk.toString()}`);
      chunks.push(chunk);
      return true;
    },
    onComplete() {
      events.push('complete');
      result.body = Buffer.concat(chunks).toString();
      settle(result);
    },
    onError(err) {
      events.push(`error ${err.message}`);
      result.error = err;
      result.body = Buffer.concat(chunks).toString();
      settle(result);
    },
  };
  return { handler, done, result, events };
}

/** One call through an upstream, collected. */
export function call(upstream: Upstream, request: Partial<UpstreamRequest> = {}): Promise<CallResult> {
  const { handler, done } = recordingHandler();
  upstream.dispatch({ method: 'GET', path: '/res', headers: [], body: null, ...request }, handler);
  return done;
}

/** Values of a header in a flat list. */
export function values(headers: readonly string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < headers.length; i += 2) if (headers[i]!.toLowerCase() === name.toLowerCase()) out.push(headers[i + 1]!);
  return out;
}

export function backendPlan(extraConfig: Record<string, unknown>, overrides: Partial<BackendPlan> = {}): BackendPlan {
  return {
    index: 0,
    urlPattern: '/foo',
    method: 'GET',
    hosts: ['http://backend.test'],
    disableHostSanitize: false,
    encoding: 'json',
    isCollection: false,
    sd: 'static',
    sdScheme: 'http',
    upstream: { kind: 'http' },
    returnErrorCode: false,
    shadow: false,
    extraConfig,
    settings: levelSettings('backend', extraConfig),
    ...overrides,
  };
}

export const CLIENT_SETTINGS: ServicePlan['client'] = {
  disableKeepAlives: false,
  disableCompression: false,
  maxIdleConnections: 0,
  maxIdleConnectionsPerHost: 0,
  idleConnectionTimeoutMs: 0,
  responseHeaderTimeoutMs: 0,
  expectContinueTimeoutMs: 0,
  dialerTimeoutMs: 0,
  dialerKeepAliveMs: 0,
};

/** Deps with a log captured into `lines`. */
export function stageDeps(level = 'DEBUG'): { deps: UpstreamDeps; lines: string[] } {
  const lines: string[] = [];
  const deps: UpstreamDeps = {
    pools: new UpstreamPools(CLIENT_SETTINGS),
    hostMap: {},
    log: createLogger({ level, write: (l) => lines.push(l) }),
    disableCompression: false,
  };
  return { deps, lines };
}

/** A hand-driven millisecond clock. */
export function manualClock(start = Date.UTC(2026, 0, 1)): { now: () => number; advance(ms: number): void; set(ms: number): void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms), set: (ms) => (t = ms) };
}
