import { mergeCanonical, type CanonicalObject } from '../../shared/json/canonical-object.js';
import type { JsonObject } from '../../shared/json/json-number.js';
import { MergeError } from './backend-error.js';
import { CanonicalResponse } from './canonical-response.js';
import { deadlineExceeded, type Cancel, type Proxy, type ProxyContext, type ProxyDone, type ProxyResponse } from './proxy.js';

/**
 * Lura's parallel merge: every backend at once under 85 % of the endpoint
 * timeout; responses shallow-merged in arrival order (last one wins a key
 * conflict — `group` avoids that); any failure or a backend still out at the
 * deadline makes the result incomplete; if nothing arrived the errors are
 * returned joined by newlines. When every answer is still Go-encoded text
 * (CanonicalResponse) and nothing runs after the merge, the texts are spliced
 * into the merged object's text instead of decoded, merged and re-encoded.
 */
export function compileMerge(backends: Proxy[], deadlineMs: number, after?: (data: JsonObject) => JsonObject): Proxy {
  return (ctx, done) => new Merge(backends, ctx, done, deadlineMs, after).cancel;
}

class Merge {
  private readonly cancels: Cancel[] = [];
  private readonly errors: Error[] = [];
  /** Answers in arrival order: merged once all are in, so texts can be spliced. */
  private readonly parts: ProxyResponse[] = [];
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
      this.parts.push(res);
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
    if (this.parts.length === 0) {
      this.done(new MergeError(this.errors), null);
      return;
    }
    const err = this.errors.length > 0 ? new MergeError(this.errors) : null;
    const isComplete = this.complete && this.errors.length === 0;
    const texts = this.after ? null : canonicalParts(this.parts);
    if (texts) {
      this.done(err, new CanonicalResponse(mergeCanonical(texts), isComplete));
      return;
    }
    // Lura's shallow merge: the first answer's object takes the later ones' keys, last arrival winning.
    let data: JsonObject = this.parts[0]!.data;
    for (let i = 1; i < this.parts.length; i++) data = Object.assign(data, this.parts[i]!.data);
    if (this.after) data = this.after(data);
    this.done(err, { data, isComplete });
  }
}

/** The parts' texts, or null when any part is (or has become) a tree. */
function canonicalParts(parts: readonly ProxyResponse[]): CanonicalObject[] | null {
  const texts: CanonicalObject[] = [];
  for (const part of parts) {
    const text = part.canonical;
    if (text === undefined) return null;
    texts.push(text);
  }
  return texts;
}
