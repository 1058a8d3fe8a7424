/**
 * Buckets refill by elapsed time, read from a clock only when a request
 * arrives (no timer per bucket). The clock is a parameter so tests can stop
 * time and move it by hand instead of sleeping.
 */

/** Milliseconds on a monotonic scale; only differences matter. */
export type Clock = () => number;

/** Wall-clock changes (NTP steps) must not refill or freeze buckets, hence performance.now. */
export const monotonicClock: Clock = () => performance.now();
