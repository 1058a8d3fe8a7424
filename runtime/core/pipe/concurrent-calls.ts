import type { Cancel, Proxy, ProxyDone, ProxyResponse } from './proxy.js';
import { deadlineExceeded } from './proxy.js';

/**
 * `concurrent_calls: N`: the same backend request N times at once under 75 %
 * of the endpoint timeout; the first complete answer wins and the others are
 * cancelled; with none complete, the last answer (or error) is returned.
 */
export function withConcurrentCalls(inner: Proxy, calls: number, deadlineMs: number): Proxy {
  return (ctx, done) => {
    const cancels: Cancel[] = [];
    let pending = calls;
    let settled = false;
    let last: { err: Error | null; res: ProxyResponse | null } = { err: deadlineExceeded(), res: null };
    const timer = deadlineMs > 0 ? setTimeout(() => cancelAll(deadlineExceeded()), deadlineMs) : null;
    const settle: ProxyDone = (err, res) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      done(err, res);
    };
    const cancelAll = (reason: Error) => {
      for (const c of cancels) c(reason);
    };
    for (let i = 0; i < calls && !settled; i++) {
      cancels.push(
        inner(ctx, (err, res) => {
          if (settled) return;
          if (!err && res?.isComplete) {
            settle(null, res);
            cancelAll(new Error('context canceled'));
            return;
          }
          last = { err, res };
          if (--pending === 0) settle(last.err, last.res);
        }),
      );
    }
    return cancelAll;
  };
}
