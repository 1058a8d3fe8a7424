/**
 * The token bucket KrakenD's rate limits are defined with: a bucket holds at
 * most `capacity` tokens, gains `perMs` tokens each millisecond, and a request
 * passes by taking one. Refilling is computed from the time since the bucket
 * was last touched, so an idle bucket costs nothing; a bucket that has had
 * time to fill up is the same as no bucket at all, which is what lets idle
 * clients be forgotten.
 *
 * KrakenD refills in whole tokens and only once the bucket is empty; tokens
 * here accrue continuously. Both admit `capacity` at once and `max_rate` per
 * `every` after that.
 */

export interface BucketLimits {
  /** Tokens added per millisecond. */
  readonly perMs: number;
  /** Most tokens the bucket holds: the burst. */
  readonly capacity: number;
  /** Time for an empty bucket to fill up, in ms. */
  readonly fillMs: number;
}

export interface BucketState {
  tokens: number;
  /** When `tokens` was computed (clock ms). */
  at: number;
}

/** Float sums like 0.1 × 10 must still buy a whole token. */
const EPSILON = 1e-9;

/** KrakenD's floor on the rate (1e-9 tokens/s) and on the capacity (1). */
export function bucketLimits(perSecond: number, capacity: number): BucketLimits {
  const perMs = Math.max(perSecond, 1e-9) / 1000;
  const cap = Math.max(1, capacity);
  return { perMs, capacity: cap, fillMs: cap / perMs };
}

/**
 * Takes one token when the bucket has one and answers 0; otherwise takes
 * nothing and answers the milliseconds until a token will be there (≥ 1).
 */
export function takeToken(state: BucketState, limits: BucketLimits, now: number): number {
  let tokens = state.tokens;
  if (now > state.at) {
    tokens = Math.min(limits.capacity, tokens + (now - state.at) * limits.perMs);
    state.at = now;
  }
  if (tokens >= 1 - EPSILON) {
    state.tokens = Math.max(0, tokens - 1);
    return 0;
  }
  state.tokens = tokens;
  return Math.max(1, Math.ceil((1 - tokens) / limits.perMs));
}

/** Whether the bucket would be full by `now`: keeping it or dropping it is then the same. */
export function isFull(state: BucketState, limits: BucketLimits, now: number): boolean {
  return state.tokens + (now - state.at) * limits.perMs >= limits.capacity - EPSILON;
}
