import type { Upstream } from './upstream.js';

/**
 * The forwarding base of a backend stage: what the stage does not do itself
 * goes to `next`, the upstream it wraps. A stage gives its own `dispatch`,
 * and `close` when it holds something to release before closing `next`;
 * `ready` is `next`'s, read when the server asks, unless the stage says
 * otherwise (one that answers by itself never waits for what it wraps).
 */
export function forwardingStage(next: Upstream, own: Pick<Upstream, 'dispatch'> & Partial<Pick<Upstream, 'ready' | 'close'>>): Upstream {
  return {
    get ready() {
      return next.ready;
    },
    close: () => next.close(),
    ...own,
  };
}
