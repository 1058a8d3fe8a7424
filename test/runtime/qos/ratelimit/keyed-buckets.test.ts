/** The bucket arithmetic, and memory that stays bounded however many clients come. */
import { describe, expect, it } from 'vitest';
import { bucketLimits, isFull, takeToken } from '../../../../runtime/qos/ratelimit/token-bucket.js';
import { KeyedBuckets } from '../../../../runtime/qos/ratelimit/keyed-buckets.js';
import { BucketLimiter } from '../../../../runtime/qos/ratelimit/bucket-limiter.js';
import { manualClock } from './serve-rate-limit.js';

describe('token bucket', () => {
  it('starts full, answers the wait when empty, refills continuously up to capacity', () => {
    const limits = bucketLimits(10, 10); // 10/s
    const state = { tokens: 10, at: 0 };
    for (let i = 0; i < 10; i++) expect(takeToken(state, limits, 0)).toBe(0);
    expect(takeToken(state, limits, 0)).toBe(100);
    expect(takeToken(state, limits, 40)).toBe(60);
    expect(takeToken(state, limits, 100)).toBe(0);
    expect(isFull(state, limits, 100)).toBe(false);
    expect(isFull(state, limits, 1100)).toBe(true);
    for (let i = 0; i < 10; i++) expect(takeToken(state, limits, 10_000)).toBe(0);
    expect(takeToken(state, limits, 10_000)).toBeGreaterThan(0);
  });

  it('fractional rates: 0.5/s gives a token every 2 s', () => {
    const limits = bucketLimits(0.5, 1);
    const state = { tokens: 1, at: 0 };
    expect(takeToken(state, limits, 0)).toBe(0);
    expect(takeToken(state, limits, 0)).toBe(2000);
    expect(takeToken(state, limits, 1999)).toBe(1);
    expect(takeToken(state, limits, 2000)).toBe(0);
  });

  it('KrakenD floors: capacity at least 1, rate at least 1e-9/s', () => {
    expect(bucketLimits(5, 0).capacity).toBe(1);
    expect(bucketLimits(0, 3).perMs).toBeGreaterThan(0);
  });
});

describe('KeyedBuckets memory', () => {
  it('100 000 clients, each seen once while time moves on: idle (refilled) buckets are dropped', () => {
    const clock = manualClock();
    const buckets = new KeyedBuckets(bucketLimits(10, 10), { clock: clock.now });
    let refused = 0;
    for (let i = 0; i < 100_000; i++) {
      if (buckets.take(`client-${i}`) !== 0) refused++;
      clock.advance(1); // a bucket that gave 1 token is full again after 100 ms
    }
    expect(refused).toBe(0);
    expect(buckets.size).toBeLessThanOrEqual(101);
  });

  it('100 000 clients at the same instant: the hard cap holds, least recently seen first out, reported once', () => {
    const clock = manualClock();
    const reports: number[] = [];
    const buckets = new KeyedBuckets(bucketLimits(1, 5), { clock: clock.now, maxBuckets: 10_000, onOverflow: (max) => reports.push(max) });
    for (let i = 0; i < 100_000; i++) buckets.take(`client-${i}`);
    expect(buckets.size).toBe(10_000);
    expect(reports).toEqual([10_000]);
    // The most recent clients kept their state; an evicted one starts over full.
    for (let i = 0; i < 4; i++) buckets.take('client-99999');
    expect(buckets.take('client-99999')).toBeGreaterThan(0);
    expect(buckets.take('client-0')).toBe(0);
  });

  it('the default cap bounds memory with 100 000 distinct clients at once (heap grows by tens of MB at most)', () => {
    const clock = manualClock();
    const limiter = new BucketLimiter(bucketLimits(1, 1), 'test:', { clock: clock.now, maxBuckets: 50_000 });
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 100_000; i++) limiter.take(`198.51.${(i >> 8) & 255}.${i & 255}-${i}`);
    expect(limiter.localSize).toBe(50_000);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(64 * 1024 * 1024);
    // A refilled bucket is the same as none: after a fill time the next call sweeps old ones out.
    clock.advance(2_000);
    for (let i = 0; i < 1_000; i++) limiter.take(`fresh-${i}`);
    expect(limiter.localSize).toBeLessThan(50_000);
  });

  it('a client that keeps coming back keeps its bucket, however many others pass', () => {
    const clock = manualClock();
    const buckets = new KeyedBuckets(bucketLimits(1, 2), { clock: clock.now, maxBuckets: 100 });
    expect(buckets.take('regular')).toBe(0);
    for (let i = 0; i < 1_000; i++) {
      buckets.take(`drive-by-${i}`);
      if (i % 50 === 0) buckets.take('regular');
    }
    // Its tokens are gone: it was never evicted and refilled.
    expect(buckets.take('regular')).toBeGreaterThan(0);
  });
});
