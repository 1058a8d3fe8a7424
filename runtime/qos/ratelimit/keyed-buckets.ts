/**
 * One token bucket per key (a client IP, a header value) in this process,
 * with memory bounded however many clients show up. Buckets sit on a list in
 * last-use order, so the oldest are the idle ones: each call drops a few of
 * those that have filled up again (a full bucket equals no bucket), and past
 * a hard cap the least recently seen bucket goes even if not full — that
 * client merely starts over with a full bucket. No timers.
 *
 * The order is an intrusive linked list rather than a Map's insertion order:
 * walking a Map from its start after many deletions steps over every hole,
 * which made eviction at the cap cost microseconds per call.
 */
import { monotonicClock, type Clock } from './clock.js';
import { isFull, takeToken, type BucketLimits, type BucketState } from './token-bucket.js';

/** About 150 bytes per not-yet-refilled client with a short key: ~15 MB per limiter at the cap. */
export const DEFAULT_MAX_BUCKETS = 100_000;

/** Oldest buckets looked at per call; more than the one a call may add, so idle buckets drain. */
const SWEEP_PER_CALL = 4;

export interface KeyedBucketsOptions {
  clock?: Clock;
  maxBuckets?: number;
  /** Called once, the first time the cap drops a bucket that was still refilling. */
  onOverflow?: (maxBuckets: number) => void;
}

interface Entry extends BucketState {
  readonly key: string;
  older: Entry | undefined;
  newer: Entry | undefined;
}

export class KeyedBuckets {
  private readonly index = new Map<string, Entry>();
  private oldest: Entry | undefined;
  private newest: Entry | undefined;
  private readonly clock: Clock;
  private readonly maxBuckets: number;
  private onOverflow: ((maxBuckets: number) => void) | undefined;

  constructor(
    readonly limits: BucketLimits,
    options: KeyedBucketsOptions = {},
  ) {
    this.clock = options.clock ?? monotonicClock;
    this.maxBuckets = Math.max(1, options.maxBuckets ?? DEFAULT_MAX_BUCKETS);
    this.onOverflow = options.onOverflow;
  }

  /** Buckets held right now (tests and diagnostics). */
  get size(): number {
    return this.index.size;
  }

  /** 0 when `key` may pass (its token is taken), else the ms until it may. */
  take(key: string): number {
    const now = this.clock();
    let entry = this.index.get(key);
    if (entry === undefined) {
      if (this.index.size >= this.maxBuckets) this.dropOldest(now);
      entry = { key, tokens: this.limits.capacity, at: now, older: undefined, newer: undefined };
      this.index.set(key, entry);
    } else {
      this.unlink(entry);
    }
    this.append(entry);
    const wait = takeToken(entry, this.limits, now);
    this.sweep(now);
    return wait;
  }

  /** Drops buckets that have filled up again, from the old end, up to the first one still refilling. */
  private sweep(now: number): void {
    for (let i = 0; i < SWEEP_PER_CALL; i++) {
      const entry = this.oldest;
      if (entry === undefined || entry === this.newest || !isFull(entry, this.limits, now)) return;
      this.remove(entry);
    }
  }

  private dropOldest(now: number): void {
    const entry = this.oldest;
    if (entry === undefined) return;
    this.remove(entry);
    if (this.onOverflow && !isFull(entry, this.limits, now)) {
      const report = this.onOverflow;
      this.onOverflow = undefined;
      report(this.maxBuckets);
    }
  }

  private remove(entry: Entry): void {
    this.unlink(entry);
    this.index.delete(entry.key);
  }

  private append(entry: Entry): void {
    entry.older = this.newest;
    entry.newer = undefined;
    if (this.newest) this.newest.newer = entry;
    else this.oldest = entry;
    this.newest = entry;
  }

  private unlink(entry: Entry): void {
    if (entry.older) entry.older.newer = entry.newer;
    else this.oldest = entry.newer;
    if (entry.newer) entry.newer.older = entry.older;
    else this.newest = entry.older;
    entry.older = entry.newer = undefined;
  }
}
