import { describe, expect, it } from 'vitest';
import { goDurationMs } from '../../../runtime/shared/go/go-duration.js';
import { wrapOutermostFirst } from '../../../runtime/shared/wrap-outermost-first.js';
import { forwardingStage } from '../../../runtime/shared/upstream/forwarding-stage.js';
import type { Upstream } from '../../../runtime/shared/upstream/upstream.js';

describe('goDurationMs', () => {
  it("reads a setting as Go's time.ParseDuration does, the fallback where Go would refuse it", () => {
    expect(goDurationMs('1m30s', 5)).toBe(90_000);
    expect(goDurationMs('0', 5)).toBe(0);
    expect(goDurationMs('.5s', 5)).toBe(500);
    for (const bad of [undefined, null, 10, '', '10', '1d', 'soon']) expect(goDurationMs(bad, 5), String(bad)).toBe(5);
  });
});

describe('wrapOutermostFirst', () => {
  it('makes the first layer the outermost: it sees the call first and the answer last', () => {
    const seen: string[] = [];
    const layer = (name: string) => (next: () => void) => () => {
      seen.push(`${name} in`);
      next();
      seen.push(`${name} out`);
    };
    const innermost = () => {
      seen.push('inner');
    };
    wrapOutermostFirst([layer('a'), layer('b')], innermost, (l, next) => l(next))();
    expect(seen).toEqual(['a in', 'b in', 'inner', 'b out', 'a out']);
  });

  it('returns the inner function itself when there are no layers', () => {
    const inner = () => {};
    expect(wrapOutermostFirst([], inner, (l: never) => l)).toBe(inner);
  });
});

describe('forwardingStage', () => {
  function inner(): Upstream & { closed: number; ready?: Promise<void> } {
    return {
      closed: 0,
      dispatch() {},
      async close() {
        this.closed++;
      },
    };
  }

  it("forwards ready (read when asked, so a later one is seen) and close to the upstream inside; dispatch is the stage's", async () => {
    const next = inner();
    const dispatch = () => {};
    const stage = forwardingStage(next, { dispatch });
    expect(stage.dispatch).toBe(dispatch);
    expect(stage.ready).toBeUndefined();
    next.ready = Promise.resolve();
    expect(stage.ready).toBe(next.ready);
    await stage.close();
    expect(next.closed).toBe(1);
  });

  it('keeps what the stage gives itself: its own close, or no readiness for a stage that answers by itself', async () => {
    const next = inner();
    next.ready = new Promise(() => {});
    let released = false;
    const own = forwardingStage(next, {
      dispatch() {},
      async close() {
        released = true;
        await next.close();
      },
    });
    await own.close();
    expect([released, next.closed]).toEqual([true, 1]);
    expect(forwardingStage(next, { dispatch() {}, ready: undefined }).ready).toBeUndefined();
  });
});
