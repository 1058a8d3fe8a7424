/**
 * Why: a cache hit must look to the endpoint exactly like a backend answer —
 * the same handler callbacks in the same order, pausing when the handler
 * asks (`onHeaders`/`onData` returning false until `resume`), and stopping
 * with `onError` when the caller aborts — so endpoints need no cache path.
 * The stored lines are replayed with a fresh `Age` (RFC 9111 §5.1).
 */
import type { UpstreamHandler } from '../../shared/upstream/upstream.js';
import { currentAgeMs } from './freshness.js';
import { stringsToRaw } from './header-lines.js';
import type { StoredResponse } from './stored-response.js';

/** Body slices handed to `onData`, so a large body honours backpressure. */
const CHUNK_BYTES = 64 * 1024;

export class StoredReplay {
  private offset = 0;
  private paused = false;
  private running = false;
  /** `resume` was called while a callback was still running. */
  private resumedEarly = false;
  private finished = false;
  private aborted: Error | null = null;

  constructor(
    private readonly stored: StoredResponse,
    private readonly handler: UpstreamHandler,
    private readonly now: number,
  ) {}

  /** Delivers the response; `connect` false when the handler already had its `onConnect` (a revalidated call). */
  start(connect: boolean): void {
    this.running = true;
    if (connect) this.handler.onConnect(this.abort);
    if (this.aborted) return this.fail();
    const headers = stringsToRaw([...this.stored.headers, 'Age', String(Math.floor(currentAgeMs(this.stored, this.now) / 1000))]);
    this.resumedEarly = false;
    const flowing = this.handler.onHeaders(this.stored.status, headers, this.resume, this.stored.statusText);
    if (this.aborted) return this.fail();
    this.running = false;
    if (flowing === false && !this.resumedEarly) this.paused = true;
    else this.pump();
  }

  /** Stops the replay (the caller's abort); the handler gets `onError` with the reason, as from a backend call. */
  readonly abort = (reason?: Error): void => {
    if (this.finished || this.aborted) return;
    this.aborted = reason ?? new Error('context canceled');
    if (!this.running) this.fail();
  };

  private readonly resume = (): void => {
    if (this.finished) return;
    if (this.running) {
      this.resumedEarly = true;
      return;
    }
    if (!this.paused) return;
    this.paused = false;
    this.pump();
  };

  private pump(): void {
    this.running = true;
    const body = this.stored.body;
    while (this.offset < body.length) {
      const chunk = body.subarray(this.offset, Math.min(body.length, this.offset + CHUNK_BYTES));
      this.offset += chunk.length;
      this.resumedEarly = false;
      const flowing = this.handler.onData(chunk);
      if (this.aborted) return this.fail();
      if (flowing === false && !this.resumedEarly) {
        this.paused = true;
        this.running = false;
        return;
      }
    }
    this.running = false;
    this.finished = true;
    this.handler.onComplete(null);
  }

  private fail(): void {
    this.running = false;
    if (this.finished) return;
    this.finished = true;
    this.handler.onError(this.aborted!);
  }
}
