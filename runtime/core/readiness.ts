/**
 * Whether this process should receive new traffic: what `/readyz` answers,
 * and what makes `/__health` 503. Anything that can hold traffic back names a
 * reason — start-up work not finished (an upstream's first leader poll, an
 * `sd: dns` first answer), or `draining` once SIGTERM arrived — and the
 * process is ready when no reason is left. Liveness (`/healthz`) does not read
 * this: a draining process is alive.
 */
export class Readiness {
  private readonly reasons = new Set<string>();

  setNotReady(reason: string): void {
    this.reasons.add(reason);
  }

  setReady(reason: string): void {
    this.reasons.delete(reason);
  }

  isReady(): boolean {
    return this.reasons.size === 0;
  }

  /** Why not ready, in the order the reasons were set. */
  why(): string[] {
    return [...this.reasons];
  }

  /**
   * Not ready for `reason` until every source has settled. A source is a
   * promise that settles once the thing it stands for can serve; each bounds
   * its own wait. A rejection counts as settled: the source gave up and its
   * upstream answers its own errors from then on. Resolves, never rejects.
   */
  track(reason: string, sources: Iterable<Promise<void> | undefined>): Promise<void> {
    const waits: Promise<unknown>[] = [];
    for (const source of sources) if (source) waits.push(source.catch(() => undefined));
    if (waits.length === 0) return Promise.resolve();
    this.setNotReady(reason);
    return Promise.all(waits).then(() => this.setReady(reason));
  }
}
