/**
 * One sliding-window log: the times of the requests counted in the window,
 * oldest first, in a ring that never holds more than the limit (a request is
 * only recorded while the count is under it), so a log's memory is bounded.
 */

export class TimestampLog {
  private times: Float64Array;
  private head = 0;
  private length = 0;

  /** `capacity` is the window's limit: callers add only while count() < capacity. */
  constructor(private readonly capacity: number) {
    this.times = new Float64Array(Math.max(1, Math.min(capacity, 4)));
  }

  /** Drops the times strictly older than `cutoff` (now − window) and returns how many remain. */
  count(cutoff: number): number {
    while (this.length > 0 && this.times[this.head]! < cutoff) {
      this.head = (this.head + 1) % this.times.length;
      this.length--;
    }
    return this.length;
  }

  add(time: number): void {
    if (this.length === this.times.length) this.grow();
    this.times[(this.head + this.length) % this.times.length] = time;
    this.length++;
  }

  /** The latest recorded time, or -Infinity when empty. */
  get newest(): number {
    return this.length === 0 ? -Infinity : this.times[(this.head + this.length - 1) % this.times.length]!;
  }

  private grow(): void {
    if (this.length >= this.capacity) throw new RangeError(`timestamp log over its limit of ${this.capacity}`);
    const next = new Float64Array(Math.min(this.capacity, this.times.length * 2));
    for (let i = 0; i < this.length; i++) next[i] = this.times[(this.head + i) % this.times.length]!;
    this.times = next;
    this.head = 0;
  }
}
