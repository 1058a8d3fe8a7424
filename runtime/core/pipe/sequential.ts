import { isJsonObject, type JsonObject, type JsonValue } from '../../shared/json/json-number.js';
import { goValueText } from '../url-pattern.js';
import { deadlineExceeded, type Cancel, type Proxy, type ProxyContext, type ProxyDone, type ProxyResponse } from './proxy.js';

/**
 * `proxy.sequential`: backends one after another under 85 % of the endpoint
 * timeout, each seeing the earlier responses (`{resp0_field}` in its
 * url_pattern). Backend 0 failing fails the request; a later failure or an
 * incomplete answer stops the sequence and returns what was gathered, marked
 * incomplete. Data merges in backend order.
 */
export function compileSequential(backends: Proxy[], deadlineMs: number, propagate: readonly string[] = []): Proxy {
  const wanted = propagate.map(parsePropagated).filter((p): p is Propagated => p !== undefined);
  return (ctx, done) => new Sequence(backends, ctx, done, deadlineMs, wanted).cancel;
}

/** `resp0_user.id` → backend 0, path [user, id]; `resp0` alone → backend 0's raw (no-op) body. */
interface Propagated {
  key: string;
  backend: number;
  path: string[] | null;
}

function parsePropagated(name: string): Propagated | undefined {
  const m = /^resp(\d+)(?:_(.+))?$/.exec(name);
  if (!m) return undefined;
  return { key: `R${name.slice(1)}`, backend: Number(m[1]), path: m[2] ? m[2].split('.') : null };
}

class Sequence {
  private readonly responses: Array<JsonValue | undefined> = [];
  private readonly raw: Array<Buffer | undefined> = [];
  private readonly propagated: Record<string, string> = {};
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
    private readonly wanted: readonly Propagated[],
  ) {
    if (deadlineMs > 0) this.timer = setTimeout(this.onDeadline, deadlineMs);
    this.next();
  }

  readonly cancel: Cancel = (reason) => {
    if (!this.finished) this.current?.(reason);
  };

  private next(): void {
    const backend = this.backends[this.step]!;
    this.current = backend({ ...this.ctx, responses: this.responses, propagated: this.propagated }, this.onStep);
  }

  private readonly onStep = (err: Error | null, res: ProxyResponse | null): void => {
    if (this.finished) return;
    if (res) {
      this.responses[this.step] = res.data;
      this.raw[this.step] = res.raw;
      this.propagate(this.step);
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

  /** Fills the propagated params that name the backend that just answered. */
  private propagate(step: number): void {
    for (const p of this.wanted) {
      if (p.backend !== step) continue;
      if (p.path === null) {
        const raw = this.raw[step];
        if (raw) this.propagated[p.key] = raw.toString('utf8');
        continue;
      }
      let v: JsonValue | undefined = this.responses[step];
      for (const k of p.path) v = isJsonObject(v) ? v[k] : undefined;
      if (v !== undefined) this.propagated[p.key] = goValueText(v);
    }
  }

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
