/**
 * The option values both rate-limit namespaces share, read the way KrakenD's
 * krakend-ratelimit reads them: rates and capacities only as JSON numbers,
 * capacities truncated to whole tokens, `every` as a Go duration, and the
 * default capacity being the rate per second (at least 1).
 */
import { parseGoDurationSeconds } from '../../shared/go/go-duration.js';
import type { Problems } from '../../plan/settings.js';
import { bucketLimits, type BucketLimits } from './token-bucket.js';

/** A rate: any JSON number; anything else counts as 0 (no limit). */
export function rateOption(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/** A capacity: a JSON number truncated to whole tokens; 0 (or less) means "use the default". */
export function capacityOption(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

/**
 * `every` in seconds (default 1s). Unparseable → 1s, as in KrakenD; the router
 * limit also raises anything under a second to 1s, the proxy limit does not.
 */
export function everyOption(value: unknown, atLeastOneSecond: boolean): number {
  if (value === undefined) return 1;
  const seconds = typeof value === 'string' ? parseGoDurationSeconds(value) : undefined;
  if (seconds === undefined || seconds <= 0) return 1;
  return atLeastOneSecond && seconds < 1 ? 1 : seconds;
}

/** The bucket for `rate` tokens per `everySeconds`, or undefined when the rate is not positive (no limit). */
export function limitsFor(rate: number, capacity: number, everySeconds: number): BucketLimits | undefined {
  if (!(rate > 0)) return undefined;
  const perSecond = rate / everySeconds;
  return bucketLimits(perSecond, capacity > 0 ? capacity : Math.max(1, Math.floor(perSecond)));
}

/** hgw's `store`: a Redis URL, or undefined (with a warning for anything else that is set). */
export function storeOption(value: unknown, problems: Problems): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'string' && isRedisUrl(value)) return value;
  problems.warn('/store', `store ${JSON.stringify(value)} is not a redis:// or rediss:// URL: the limit is kept in this gateway only`, 'Write the Redis URL, e.g. "redis://redis:6379/0", or remove "store".');
  return undefined;
}

/** A `store` value hgw can use: redis:// or rediss://. */
export function isRedisUrl(value: string): boolean {
  return value.startsWith('redis://') || value.startsWith('rediss://');
}
