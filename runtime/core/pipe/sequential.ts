import type { JsonObject, JsonValue } from '../json/json-number.js';
import { deadlineExceeded, type Cancel, type Proxy, type ProxyContext, type ProxyDone, type ProxyResponse } from './proxy.js';

/**
 * `proxy.sequential`: backends one after another under 85 % of the endpoint
 * timeout, each seeing the earlier responses (`{resp0_field}` in its
 * url_pattern). Backend 0 failing fails the request; a later failure or an
 * incomplete answer stops the sequence and returns what was gathered, marked
 * incomplete. Data merges in backend order.
 */
export function compileSequential(backends: Proxy[], deadlineMs: number): Proxy {
  return (ctx, done) => new Sequence(backends, ctx, done, deadlineMs).cancel;
}

class Sequence {
  private readonly responses: Array<JsonValue | undefined> = [];
  private data: JsonObject | null = null;
  private step = 0;
  private current: Cancel | null = null;
  private timer: NodeJS.Timeout | null = null;
  private finished = false;

  constructor(
    private readonly backends: Proxy[],
    private readonly ctx: ProxyContext,
    private readonly done: ProxyDone,
    deadlineMs: number,
  ) {
    if (deadlineMs > 0) this.timer = setTimeout(this.onDeadline, deadlineMs);
    this.next();
  }

  readonly cancel: Cancel = (reason) => {
    if (!this.finished) this.current?.(reason);
  };

  private next(): void {
    const backend = this.backends[this.step]!;
    this.current = backend({ ...this.ctx, responses: this.responses }, this.onStep);
  }

  private readonly onStep = (err: Error | null, res: ProxyResponse | null): void => {
    if (this.finished) return;
    if (res) {
      this.responses[this.step] = res.data;
      this.data = this.data === null ? res.data : Object.assign(this.data, res.data);
    }
    const last = this.step === this.backends.length - 1;
    if (err || !res || !res.isComplete || last) {
      this.finish(err, this.data === null ? null : { data: this.data, isComplete: !err && !!res && res.isComplete && last });
      return;
    }
    this.step++;
    this.next();
  };

  private readonly onDeadline = (): void => {
    this.timer = null;
    this.current?.(deadlineExceeded());
  };

  private finish(err: Error | null, res: ProxyResponse | null): void {
    this.finished = true;
    if (this.timer) clearTimeout(this.timer);
    this.done(err ?? (res ? null : deadlineExceeded()), res);
  }
}
