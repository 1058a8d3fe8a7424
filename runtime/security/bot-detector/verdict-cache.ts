/**
 * A bounded least-recently-used map from User-Agent to verdict, as
 * krakend-botdetector keeps with hashicorp/golang-lru: a hit refreshes the
 * entry, a new entry beyond `size` evicts the oldest. A Map iterates in
 * insertion order, so re-inserting on a hit keeps the oldest first.
 */
export class VerdictCache {
  private readonly entries = new Map<string, boolean>();

  constructor(private readonly size: number) {}

  get(key: string): boolean | undefined {
    const v = this.entries.get(key);
    if (v !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, v);
    }
    return v;
  }

  set(key: string, value: boolean): void {
    if (this.entries.has(key)) this.entries.delete(key);
    else if (this.entries.size >= this.size) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, value);
  }

  get length(): number {
    return this.entries.size;
  }
}
