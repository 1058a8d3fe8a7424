import type { BackendPlan } from '../../plan/plan.js';
import { counter } from '../../shared/counters.js';
import { mapHost } from '../../shared/host-map.js';
import type { Upstream, UpstreamDeps, UpstreamHandler, UpstreamRequest } from '../../shared/upstream/upstream.js';
import { HttpCall } from '../http/http-call.js';
import { bufferBody, headerValue, respondJson } from '../../shared/upstream/synthetic-response.js';
import { clientPinKey } from './client-pin-key.js';
import { leaderPollerFor, releaseLeaderPoller, type LeaderPoller } from './leader-poller.js';
import { LocalPins, type PinStore } from './local-pins.js';

/**
 * `github.com/hanzoai/gateway/base_ha`: one writer, N replicas, and clients
 * that never see a 307. Writes (and `X-Base-Writer: required`, and a client's
 * reads for read_your_writes_ttl after its write) go to the leader the poller
 * tracks; other reads go to host[0], the ClusterIP service. A writer that
 * fails (transport error or 5xx) triggers one forced poll, a wait of up to
 * 1.5 × the interval for a new writer, and exactly one retry.
 */
export type PinStoreFactory = (url: string, ttlMs: number, deps: UpstreamDeps) => PinStore;

export function baseHaUpstream(backend: BackendPlan, deps: UpstreamDeps): Upstream {
  return createBaseHa(backend, deps, undefined);
}

export function createBaseHa(backend: BackendPlan, deps: UpstreamDeps, sharedPins: PinStoreFactory | undefined): Upstream {
  const cfg = backend.upstream;
  if (cfg.kind !== 'base_ha') throw new Error('base_ha upstream needs a base_ha backend');
  const origin = trimSlash(mapHost(deps.hostMap, `http://${cfg.serviceDns}:${cfg.port}`));
  const poller = leaderPollerFor(origin, cfg.leaderPollIntervalMs, deps.pools, deps.log);
  const readHost = backend.hosts[0] === undefined ? undefined : trimSlash(mapHost(deps.hostMap, backend.hosts[0]));
  // Pins belong to the cluster, not the backend: every endpoint on one service_dns:port shares them (first config wins, as in Go).
  const ttl = cfg.readYourWritesTtlMs;
  let shared = clusterPins.get(origin);
  if (!shared) {
    const store = ttl <= 0 ? undefined : cfg.readYourWritesStore && sharedPins ? sharedPins(cfg.readYourWritesStore, ttl, deps) : new LocalPins(ttl);
    shared = { store, users: 0 };
    clusterPins.set(origin, shared);
  }
  shared.users++;
  const pins = shared.store;
  const entry = shared;
  const writes = new Set(cfg.writeMethods);
  const ha: BaseHa = { deps, poller, readHost, pins, writes, askGzip: !deps.disableCompression };
  return {
    ready: poller.ready,
    dispatch(request, handler) {
      void route(ha, request, handler).catch((e: Error) => handler.onError(e));
    },
    async close() {
      if (--entry.users === 0) {
        entry.store?.close();
        clusterPins.delete(origin);
      }
      releaseLeaderPoller(poller);
    },
  };
}

const clusterPins = new Map<string, { store: PinStore | undefined; users: number }>();

const WRITER_FAILURES = counter('gateway_base_ha_writer_failures', 'base_ha writes whose writer failed (transport error or 5xx) and were retried');
const WRITER_FAILURES_FATAL = counter('gateway_base_ha_writer_failures_fatal', 'base_ha writes that found no new writer after a failure (503 writer_unreachable)');
const NO_WRITER = counter('gateway_base_ha_no_writer', 'base_ha writes refused for want of a known writer (503 no_writer)');
const RETRIES = counter('gateway_base_ha_retries', 'base_ha writes sent a second time, to the new writer');
const PINS = counter('gateway_base_ha_pins', 'base_ha clients pinned to the writer after a write (read-your-writes)');

interface BaseHa {
  deps: UpstreamDeps;
  poller: LeaderPoller;
  readHost: string | undefined;
  pins: PinStore | undefined;
  writes: Set<string>;
  askGzip: boolean;
}

async function route(ha: BaseHa, request: UpstreamRequest, handler: UpstreamHandler): Promise<void> {
  const isWrite = ha.writes.has(request.method.toUpperCase()) || headerValue(request.headers, 'x-base-writer')?.toLowerCase() === 'required';
  const key = ha.pins ? clientPinKey(request.headers) : '';
  const pinned = isWrite || (key !== '' && (await ha.pins!.isPinned(key)));
  if (!pinned) {
    if (!ha.readHost) return respondJson(handler, 502, '{"error":"base_ha_no_host"}');
    send(ha, ha.readHost, request, request.body, handler);
    return;
  }
  // A request that beats the first poll waits for it (bounded by the poll timeout) rather than answer no_writer.
  if (!ha.poller.isReady()) await ha.poller.ready;
  const writer = ha.poller.currentWriter();
  if (writer === '') {
    NO_WRITER.add();
    return respondJson(handler, 503, '{"error":"no_writer"}');
  }
  const body = await bufferBody(request.body); // replayable for the one retry
  const attempt = new WriterAttempt(ha, request, body, handler, isWrite ? key : '', writer);
  attempt.start();
}

function send(ha: BaseHa, target: string, request: UpstreamRequest, body: UpstreamRequest['body'], handler: UpstreamHandler): void {
  const url = new URL(target);
  const prefix = url.pathname === '/' ? '' : url.pathname;
  let headers = request.headers;
  let addedGzip = false;
  if (ha.askGzip && headerValue(headers, 'accept-encoding') === undefined) {
    headers = [...headers, 'Accept-Encoding', 'gzip'];
    addedGzip = true;
  }
  new HttpCall(ha.deps.pools, url.origin, prefix + request.path, request.method, headers, body, addedGzip, handler, request, false).start();
}

/**
 * The writer path: first attempt; on a transport error or a 5xx, refresh and
 * retry once; then mark the client's pin when the write did not fail.
 */
class WriterAttempt implements UpstreamHandler {
  private tries = 0;
  private connected = false;
  private abortCurrent: ((reason?: Error) => void) | null = null;
  private readonly cancelled = { aborted: false };
  private discarding = false;
  /** Headers went to the client: from here on nothing is retried. */
  private delivered = false;
  private status = 0;

  constructor(
    private readonly ha: BaseHa,
    private readonly request: UpstreamRequest,
    private readonly body: Buffer | null,
    private readonly inner: UpstreamHandler,
    private readonly pinKey: string,
    private target: string,
  ) {}

  start(): void {
    if (++this.tries > 1) RETRIES.add();
    send(this.ha, this.target, this.request, this.body, this);
  }

  onConnect(abort: (reason?: Error) => void): void {
    this.abortCurrent = abort;
    if (this.cancelled.aborted) abort(new Error('context canceled'));
    if (!this.connected) {
      this.connected = true;
      this.inner.onConnect(this.abortAll);
    }
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void, statusText: string): boolean {
    if (statusCode >= 500 && this.tries === 1) {
      this.discarding = true; // a failed writer: its body is dropped and the write retried
      return true;
    }
    this.status = statusCode;
    this.delivered = true;
    return this.inner.onHeaders(statusCode, rawHeaders, resume, statusText);
  }

  onData(chunk: Buffer): boolean {
    return this.discarding ? true : this.inner.onData(chunk);
  }

  onComplete(trailers: Buffer[] | null): void {
    if (this.discarding) {
      this.discarding = false;
      void this.failover();
      return;
    }
    if (this.pinKey !== '' && this.status < 500 && this.ha.pins) {
      this.ha.pins.pin(this.pinKey);
      PINS.add();
    }
    this.inner.onComplete(trailers);
  }

  onError(err: Error): void {
    this.discarding = false;
    if (this.tries === 1 && !this.cancelled.aborted && !this.delivered) {
      void this.failover();
      return;
    }
    this.inner.onError(this.tries > 1 ? new Error(`base_ha: writer retry failed: ${err.message}`) : err);
  }

  private async failover(): Promise<void> {
    const failed = this.target;
    WRITER_FAILURES.add();
    this.ha.poller.kick();
    const next = await this.ha.poller.waitForNewWriter(failed, Math.floor(this.ha.poller.intervalMs * 1.5), this.cancelled);
    if (this.cancelled.aborted) {
      this.inner.onError(new Error('context canceled'));
      return;
    }
    if (next === '') {
      WRITER_FAILURES_FATAL.add();
      respondJsonAfterConnect(this.inner, 503, '{"error":"writer_unreachable"}');
      return;
    }
    this.target = next;
    this.start();
  }

  private readonly abortAll = (reason?: Error): void => {
    this.cancelled.aborted = true;
    this.abortCurrent?.(reason);
  };
}

/** Like respondJson, for a handler that has already seen onConnect. */
function respondJsonAfterConnect(handler: UpstreamHandler, status: number, body: string): void {
  const bytes = Buffer.from(body);
  handler.onHeaders(status, [Buffer.from('Content-Type'), Buffer.from('application/json'), Buffer.from('Content-Length'), Buffer.from(String(bytes.length))], () => {}, '');
  handler.onData(bytes);
  handler.onComplete(null);
}

function trimSlash(s: string): string {
  return s.replace(/\/+$/, '');
}
