/**
 * A family of token buckets (one per key) as a limit enforces them: in this
 * process only, or shared through Redis with the local buckets as the
 * fallback. While Redis decides, every request it admits also takes its token
 * from the local bucket, so when Redis goes away each gateway continues from
 * what it let through itself instead of from a fresh burst.
 */
import { KeyedBuckets, type KeyedBucketsOptions } from './keyed-buckets.js';
import type { RedisBucketStore } from './redis-bucket-store.js';
import type { BucketLimits } from './token-bucket.js';

export class BucketLimiter {
  private readonly local: KeyedBuckets;

  /**
   * @param scope Prefix of this limit's keys in Redis: the same limit in every
   * gateway must get the same scope, different limits different ones.
   */
  constructor(
    limits: BucketLimits,
    private readonly scope: string,
    options: KeyedBucketsOptions = {},
    private readonly shared?: RedisBucketStore,
  ) {
    this.local = new KeyedBuckets(limits, options);
  }

  get limits(): BucketLimits {
    return this.local.limits;
  }

  /** Local buckets held (tests and diagnostics). */
  get localSize(): number {
    return this.local.size;
  }

  /** 0 when `key` may pass, else the ms until it may; a promise when Redis decides (never rejects). */
  take(key: string): number | Promise<number> {
    const decided = this.shared?.take(this.scope + key, this.local.limits);
    if (decided === undefined) return this.local.take(key);
    return decided.then((wait) => {
      if (wait === undefined) return this.local.take(key); // Redis failed on the way
      if (wait === 0) this.local.take(key);
      return wait;
    });
  }
}
