/**
 * Whether the gateway can route yet: every readiness source has settled.
 * A source is a promise that settles once the thing it stands for can serve
 * (base_ha's first leader poll returned or failed for good, an `sd: dns`
 * first answer); each bounds its own wait. A rejection counts as settled:
 * the source gave up and its upstream answers its own errors from then on.
 * Readiness only goes from false to true. `/__health` answers 503 while it
 * is false; other probes (`/readyz`) read the same object.
 */
export class Readiness {
  private pending = 0;
  private readonly all: Promise<void>;

  constructor(sources: Iterable<Promise<void> | undefined>) {
    const waits: Promise<void>[] = [];
    for (const source of sources) {
      if (!source) continue;
      this.pending++;
      const done = () => void this.pending--;
      waits.push(source.then(done, done));
    }
    this.all = Promise.all(waits).then(() => undefined);
  }

  isReady(): boolean {
    return this.pending === 0;
  }

  /** Resolves (never rejects) once every source has settled. */
  ready(): Promise<void> {
    return this.all;
  }
}
