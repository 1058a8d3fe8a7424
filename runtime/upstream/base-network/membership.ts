import { crc32c } from './crc32c.js';

/**
 * Who serves which shard, as the Go gateway decides it (hanzo-core.md §3.3–3.4):
 * a member serves a shard when one of its advertised prefixes starts the shard
 * id; with no such member, a consistent-hash ring (one point per prefix, or
 * per member without prefixes) names the owner. Writes go to the rendezvous
 * winner (lowest CRC-32C of `shard|member`), reads spread deterministically
 * over the subset (`crc32c(shard|r) % n`). Same inputs, same pod as Go.
 */
export interface Member {
  id: string;
  url: string;
  shards: string[];
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function isWriteMethod(method: string): boolean {
  return WRITES.has(method.toUpperCase());
}

export class MembershipView {
  private readonly byId = new Map<string, Member>();
  /** Ring points sorted by hash. */
  private readonly ring: Array<{ hash: number; id: string }> = [];

  constructor(readonly members: readonly Member[]) {
    for (const m of members) this.byId.set(m.id, m); // a duplicate id keeps the later entry
    for (const m of members) {
      if (m.shards.length === 0) this.ring.push({ hash: crc32c(m.id), id: m.id });
      else for (const p of m.shards) this.ring.push({ hash: crc32c(p), id: m.id });
    }
    this.ring.sort((a, b) => a.hash - b.hash);
  }

  get empty(): boolean {
    return this.members.length === 0;
  }

  /** The ring owner: first point at or after crc32c(shard), wrapping to the start. */
  ownerFor(shard: string): Member | undefined {
    if (this.ring.length === 0) return undefined;
    const h = crc32c(shard);
    let lo = 0;
    let hi = this.ring.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ring[mid]!.hash >= h) hi = mid;
      else lo = mid + 1;
    }
    return this.byId.get(this.ring[lo === this.ring.length ? 0 : lo]!.id);
  }

  /** Members advertising a prefix of the shard id (sorted by id, byte-wise), else the ring owner alone. */
  subsetFor(shard: string): Member[] {
    const seen = new Set<string>();
    const subset: Member[] = [];
    for (const m of this.byId.values()) {
      if (seen.has(m.id)) continue;
      if (m.shards.some((p) => shard.startsWith(p))) {
        seen.add(m.id);
        subset.push(m);
      }
    }
    if (subset.length > 0) return subset.sort((a, b) => (Buffer.compare(Buffer.from(a.id), Buffer.from(b.id))));
    const owner = this.ownerFor(shard);
    return owner ? [owner] : [];
  }

  /** The member a request for `shard` goes to, or undefined when there is none. */
  pick(shard: string, method: string): Member | undefined {
    const subset = this.subsetFor(shard);
    if (subset.length === 0) return undefined;
    if (isWriteMethod(method)) {
      let best = subset[0]!;
      let bestScore = crc32c(`${shard}|${best.id}`);
      for (let i = 1; i < subset.length; i++) {
        const score = crc32c(`${shard}|${subset[i]!.id}`);
        if (score < bestScore) {
          best = subset[i]!;
          bestScore = score;
        }
      }
      return best;
    }
    return subset[crc32c(`${shard}|r`) % subset.length];
  }
}
