import type { Dispatcher } from 'undici';
import { parseJson } from '../../shared/json/parse-json.js';
import { isJsonObject, JsonNumber } from '../../shared/json/json-number.js';
import { counter } from '../../shared/counters.js';
import type { Logger } from '../../shared/log/logger.js';
import type { ConnectionPools } from '../../shared/upstream/upstream.js';

/**
 * Tracks the writer of one Hanzo Base HA cluster by polling
 * `GET http://{service_dns}:{port}/_ha/leader`. The state is one object
 * replaced whole on each good poll, so a request reads it without locks; a
 * failed poll keeps the last good state. One poller per service_dns:port in
 * the process (the first backend's settings win, as in the Go gateway).
 *
 * Unlike Go, a poll is not cut off at the interval: it has its own timeout,
 * so a control plane slower than the interval still names a writer, and the
 * poller is ready only once its first poll has returned or failed.
 */
export interface LeaderState {
  leaderUrl: string;
  nodeId: string;
  /** uint64 in the wire format; kept as text. */
  term: string;
  /** 0 when the leader sent none. */
  leaseExpiresMs: number;
  fetchedAtMs: number;
}

const BODY_LIMIT = 8192;
/** A poll's own bound (at least one interval): a slow answer still counts; a hung one fails and the next tick tries again. */
const POLL_TIMEOUT_MS = 3000;

const POLLS = counter('gateway_base_ha_leader_polls', 'base_ha polls of /_ha/leader');
const POLL_ERRORS = counter('gateway_base_ha_leader_poll_errors', 'base_ha leader polls that failed (timeout, refused, non-200, bad body)');
const LEADER_CHANGES = counter('gateway_base_ha_leader_changes', 'base_ha writer elections seen (a new term)');
const pollers = new Map<string, LeaderPoller>();

export function leaderPollerFor(origin: string, intervalMs: number, pools: ConnectionPools, log: Logger): LeaderPoller {
  let poller = pollers.get(origin);
  if (!poller) {
    poller = new LeaderPoller(origin, intervalMs, pools.get(origin), log);
    pollers.set(origin, poller);
  }
  poller.users++;
  return poller;
}

/** A backend is done with its poller; the last one out stops it. */
export function releaseLeaderPoller(poller: LeaderPoller): void {
  if (--poller.users > 0) return;
  poller.stop();
  for (const [origin, p] of pollers) if (p === poller) pollers.delete(origin);
}

export class LeaderPoller {
  state: LeaderState | null = null;
  /** Resolves when the first poll has returned or failed (bounded by the poll timeout); never rejects. */
  readonly ready: Promise<void>;
  readonly pollTimeoutMs: number;
  private firstDone = false;
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private forced = false;
  polls = 0;
  pollErrors = 0;
  users = 0;

  constructor(
    private readonly origin: string,
    readonly intervalMs: number,
    private readonly pool: Dispatcher,
    private readonly log: Logger,
  ) {
    this.pollTimeoutMs = Math.max(POLL_TIMEOUT_MS, intervalMs);
    this.ready = this.refresh().then(() => void (this.firstDone = true));
    this.timer = setInterval(() => void this.refresh(), intervalMs);
    this.timer.unref();
  }

  /** Whether the first poll has returned or failed: from then on currentWriter() is the answer to trust. */
  isReady(): boolean {
    return this.firstDone;
  }

  /**
   * The writer URL, or '' when there is none to trust: no state yet, or the
   * lease has expired and the state is stale (older than two intervals).
   */
  currentWriter(now = Date.now()): string {
    const s = this.state;
    if (!s) return '';
    if (s.leaseExpiresMs !== 0 && s.leaseExpiresMs < now && now - s.fetchedAtMs > 2 * this.intervalMs) return '';
    return s.leaderUrl;
  }

  /** Ask for an extra poll now; requests arriving while one runs share it. */
  kick(): void {
    if (this.inFlight) {
      this.forced = true;
      return;
    }
    void this.refresh();
  }

  /** Waits (checking every 25 ms) up to `maxMs` for a writer other than `failed`; returns the writer then current. */
  async waitForNewWriter(failed: string, maxMs: number, signal: { aborted: boolean }): Promise<string> {
    const deadline = Date.now() + maxMs;
    for (;;) {
      const w = this.currentWriter();
      if ((w !== '' && w !== failed) || Date.now() >= deadline || signal.aborted) return w;
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private refresh(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    this.inFlight = this.poll().finally(() => {
      this.inFlight = null;
      if (this.forced) {
        this.forced = false;
        void this.refresh();
      }
    });
    return this.inFlight;
  }

  private async poll(): Promise<void> {
    this.polls++;
    POLLS.add();
    try {
      const res = await this.pool.request({
        method: 'GET',
        path: '/_ha/leader',
        headersTimeout: this.pollTimeoutMs,
        bodyTimeout: this.pollTimeoutMs,
        signal: AbortSignal.timeout(this.pollTimeoutMs),
      });
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const c of res.body) {
        size += (c as Buffer).length;
        if (size > BODY_LIMIT) break;
        chunks.push(c as Buffer);
      }
      if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}`);
      this.accept(parseJson(Buffer.concat(chunks).toString('utf8').slice(0, BODY_LIMIT)));
    } catch (e) {
      this.pollErrors++;
      POLL_ERRORS.add();
      this.log.debug(`[BACKEND: base_ha] leader poll ${this.origin}/_ha/leader failed: ${(e as Error).message}`);
    }
  }

  private accept(body: unknown): void {
    if (!isJsonObject(body)) throw new Error('leader response is not an object');
    const leaderUrl = typeof body.leader_url === 'string' ? body.leader_url : '';
    if (leaderUrl === '') throw new Error('empty leader_url');
    const term = body.term instanceof JsonNumber ? body.term.text : typeof body.term === 'number' ? String(body.term) : '0';
    const lease = typeof body.lease_expires === 'string' ? Date.parse(body.lease_expires) : NaN;
    const previous = this.state;
    this.state = {
      leaderUrl,
      nodeId: typeof body.node_id === 'string' ? body.node_id : '',
      term,
      leaseExpiresMs: Number.isNaN(lease) ? 0 : lease,
      fetchedAtMs: Date.now(),
    };
    if (previous && previous.term !== term) LEADER_CHANGES.add();
    if (!previous || previous.term !== term) this.log.info(`[BACKEND: base_ha] writer elected: ${leaderUrl} (node ${this.state.nodeId}, term ${term})`);
  }
}
