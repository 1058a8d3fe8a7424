import type { JsonObject } from '../json/json-number.js';
import { MergeError } from './backend-error.js';
import { deadlineExceeded, type Cancel, type Proxy, type ProxyContext, type ProxyDone, type ProxyResponse } from './proxy.js';

/**
 * Lura's parallel merge: every backend at once under 85 % of the endpoint
 * timeout; responses shallow-merged in arrival order (last one wins a key
 * conflict — `group` avoids that); any failure or a backend still out at the
 * deadline makes the result incomplete; if nothing arrived the errors are
 * returned joined by newlines.
 */
export function compileMerge(backends: Proxy[], deadlineMs: number, after?: (data: JsonObject) => JsonObject): Proxy {
  return (ctx, done) => new Merge(backends, ctx, done, deadlineMs, after).cancel;
}

class Merge {
  private readonly cancels: Cancel[] = [];
  private readonly errors: Error[] = [];
  private data: JsonObject | null = null;
  private complete = true;
  private pending: number;
  private timer: NodeJS.Timeout | null = null;
  private finished = false;

  constructor(
    backends: Proxy[],
    ctx: ProxyContext,
    private readonly done: ProxyDone,
    deadlineMs: number,
    private readonly after: ((data: JsonObject) => JsonObject) | undefined,
  ) {
    this.pending = backends.length;
    if (deadlineMs > 0) this.timer = setTimeout(this.onDeadline, deadlineMs);
    for (const backend of backends) {
      this.cancels.push(backend(ctx, this.onPart));
      if (this.finished) break;
    }
  }

  readonly cancel: Cancel = (reason) => {
    if (this.finished) return;
    for (const c of this.cancels) c(reason);
  };

  private readonly onPart = (err: Error | null, res: ProxyResponse | null): void => {
    if (this.finished) return;
    if (err) this.errors.push(err);
    if (res) {
      this.data = this.data === null ? res.data : Object.assign(this.data, res.data);
      if (!res.isComplete) this.complete = false;
    } else this.complete = false;
    if (--this.pending === 0) this.finish();
  };

  private readonly onDeadline = (): void => {
    this.timer = null;
    if (this.finished) return;
    const err = deadlineExceeded();
    // Cancelled backends report through onPart, which finishes the merge once all have answered.
    for (const c of this.cancels) c(err);
  };

  private finish(): void {
    this.finished = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.data === null) {
      this.done(new MergeError(this.errors), null);
      return;
    }
    const data = this.after ? this.after(this.data) : this.data;
    this.done(this.errors.length > 0 ? new MergeError(this.errors) : null, { data, isComplete: this.complete && this.errors.length === 0 });
  }
}
