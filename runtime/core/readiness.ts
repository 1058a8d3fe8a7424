/**
 * Whether this process should receive new traffic: what `/readyz` answers.
 * Anything that can hold traffic back names a reason — start-up work not
 * finished (an upstream's first leader poll), or `draining` once SIGTERM
 * arrived — and the process is ready when no reason is left. Liveness
 * (`/healthz`) does not read this: a draining process is alive.
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
}
