/**
 * A bloom filter sized from KrakenD's `N` (elements) and `P` (false-positive
 * rate), in two generations: entries go into the current one, checks look at
 * both, and every `TTL` the previous generation is dropped — so a revoked
 * token stays revoked for at least one TTL (a token's own lifetime) and at
 * most two. Indexes come from double hashing two FNV-1a variants.
 *
 * A generation takes at most `N` entries ({@link tryAdd}): past that its
 * false-positive rate would climb above `P` until tokens never revoked are
 * refused, so a flood of junk revocations is turned away instead.
 */
export class RotatingBloom {
  readonly bits: number;
  readonly hashes: number;
  /** Entries one generation takes: `N`. */
  readonly capacity: number;
  private added = 0;
  private current: Uint8Array;
  private previous: Uint8Array;

  constructor(n: number, p: number) {
    const elements = Math.max(1, Math.floor(n));
    this.capacity = elements;
    const rate = p > 0 && p < 1 ? p : 1e-7;
    this.bits = Math.max(64, Math.ceil((-elements * Math.log(rate)) / Math.LN2 ** 2));
    this.hashes = Math.max(1, Math.round((this.bits / elements) * Math.LN2));
    // Zeroed pages cost no memory until written.
    this.current = new Uint8Array(Math.ceil(this.bits / 8));
    this.previous = new Uint8Array(Math.ceil(this.bits / 8));
  }

  /** Adds all of `entries`, or none when the current generation has no room for them all. */
  tryAdd(entries: readonly string[]): boolean {
    if (entries.length > this.capacity - this.added) return false;
    for (const e of entries) this.add(e);
    return true;
  }

  add(data: string): void {
    this.added++;
    for (const i of this.indexes(data)) this.current[i >>> 3]! |= 1 << (i & 7);
  }

  has(data: string): boolean {
    const idx = [...this.indexes(data)];
    const inside = (f: Uint8Array) => idx.every((i) => (f[i >>> 3]! & (1 << (i & 7))) !== 0);
    return inside(this.current) || inside(this.previous);
  }

  rotate(): void {
    this.previous = this.current;
    this.current = new Uint8Array(this.previous.length);
    this.added = 0;
  }

  private *indexes(data: string): Generator<number> {
    const h1 = fnv1a(data, 0x811c9dc5);
    const h2 = fnv1a(data, 0x01000193) | 1;
    for (let k = 0; k < this.hashes; k++) yield (((h1 + Math.imul(k, h2)) >>> 0) % this.bits) >>> 0;
  }
}

function fnv1a(s: string, seed: number): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}
