import { heldBodyLimit, PayloadTooLargeError } from '../../shared/held-body-limit.js';
import type { Cancel, ProxyContext, ProxyDone } from './proxy.js';

/**
 * Reads a streamed client body whole (bounded by max_payload, or the held-body limit) for a proxy
 * middleware that must see it before the backends do (JSON Schema, Lua),
 * then continues with `then(body)`. The returned cancel works while reading
 * (ending the call with the reason) and after (passing it on).
 */
export function readBodyThen(ctx: ProxyContext, maxPayload: number, done: ProxyDone, then: (body: Buffer) => Cancel): Cancel {
  const limit = heldBodyLimit(maxPayload);
  let inner: Cancel | null = null;
  let over = false;
  const chunks: Buffer[] = [];
  let size = 0;
  const onData = (c: Buffer) => {
    size += c.length;
    if (size > limit) {
      stop();
      ctx.req.resume();
      done(new PayloadTooLargeError(), null);
      return;
    }
    chunks.push(c);
  };
  const onEnd = () => {
    stop();
    try {
      inner = then(Buffer.concat(chunks));
    } catch (e) {
      // Inside a stream event nothing else would catch it: the request would hang.
      done(e instanceof Error ? e : new Error(String(e)), null);
    }
  };
  const onError = (err: Error) => {
    stop();
    done(err, null);
  };
  const stop = () => {
    over = true;
    ctx.req.off('data', onData).off('end', onEnd).off('error', onError);
  };
  ctx.req.on('data', onData).on('end', onEnd).on('error', onError);
  return (reason) => {
    if (inner) inner(reason);
    else if (!over) {
      stop();
      done(reason, null);
    }
  };
}
