/**
 * The widget gate's rate limiter: an exact sliding-window log per client IP
 * plus one global log, decided as the Go gateway's widgetRateLimiter does
 * (global first; a refused request records nothing, anywhere). Unlike Go's
 * map, which only shrinks on its 5-minute sweep, an IP whose last request has
 * left the window is dropped on the next call, so memory stays bounded by the
 * requests admitted per window however many distinct IPs show up.
 */
import { TimestampLog } from './timestamp-log.js';

export interface SlidingWindowLimits {
  readonly maxPerKey: number;
  readonly globalMax: number;
  readonly windowMs: number;
}

/** Milliseconds on a clock that never goes backwards. */
export type Clock = () => number;

export const monotonicClock: Clock = () => performance.now();

export class SlidingWindowLimiter {
  /** Per-key logs, kept in order of their latest recorded request (oldest first). */
  private readonly logs = new Map<string, TimestampLog>();
  private readonly global: TimestampLog;

  constructor(
    private readonly limits: SlidingWindowLimits,
    private readonly now: Clock = monotonicClock,
  ) {
    this.global = new TimestampLog(limits.globalMax);
  }

  /** Records and admits one request for `key`, or refuses it (recording nothing). */
  allow(key: string): boolean {
    const now = this.now();
    const cutoff = now - this.limits.windowMs;
    this.evictIdle(cutoff);
    if (this.global.count(cutoff) >= this.limits.globalMax) return false;
    const log = this.logs.get(key);
    const count = log === undefined ? 0 : log.count(cutoff);
    if (count >= this.limits.maxPerKey) return false;
    const recorded = log ?? new TimestampLog(this.limits.maxPerKey);
    recorded.add(now);
    // Re-insert so the map stays ordered by latest request.
    this.logs.delete(key);
    this.logs.set(key, recorded);
    this.global.add(now);
    return true;
  }

  /** The periodic cleanup: trims every log and forgets keys with nothing left in the window. */
  sweep(): void {
    const cutoff = this.now() - this.limits.windowMs;
    for (const [key, log] of this.logs) if (log.count(cutoff) === 0) this.logs.delete(key);
    this.global.count(cutoff);
  }

  /** How many keys the limiter currently remembers. */
  get size(): number {
    return this.logs.size;
  }

  /** Drops keys whose latest request is out of the window; they would count 0 anyway. */
  private evictIdle(cutoff: number): void {
    for (const [key, log] of this.logs) {
      if (log.newest >= cutoff) return;
      this.logs.delete(key);
    }
  }
}
