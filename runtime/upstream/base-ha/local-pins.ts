/**
 * Read-your-writes pins held in this process: client key → time of its last
 * write. Expired pins are swept on a timer, so memory stays bounded by the
 * clients that wrote within one TTL.
 */
export interface PinStore {
  /** Whether the client wrote within the TTL. */
  isPinned(key: string): boolean | Promise<boolean>;
  pin(key: string): void;
  close(): void;
}

export class LocalPins implements PinStore {
  private readonly pins = new Map<string, number>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly ttlMs: number) {
    this.sweeper = setInterval(() => this.sweep(), Math.max(ttlMs, 1000));
    this.sweeper.unref();
  }

  isPinned(key: string): boolean {
    const at = this.pins.get(key);
    if (at === undefined) return false;
    if (Date.now() - at <= this.ttlMs) return true;
    this.pins.delete(key);
    return false;
  }

  pin(key: string): void {
    this.pins.delete(key); // re-insert so the map stays in write order for the sweep
    this.pins.set(key, Date.now());
  }

  get size(): number {
    return this.pins.size;
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  private sweep(): void {
    const cutoff = Date.now() - this.ttlMs;
    for (const [key, at] of this.pins) {
      if (at >= cutoff) break; // insertion order is write order: the rest are newer
      this.pins.delete(key);
    }
  }
}
