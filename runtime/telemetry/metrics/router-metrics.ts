import type { EndpointMiddlewareFactory } from '../../core/middleware.js';
import { stats } from './stats-registry.js';
import { markFastPathReady } from '../../core/fast-path/fast-path-ready.js';

/**
 * krakend-metrics' router layer for one endpoint: per answer a
 * `krakend.router.response.<endpoint>.status.<code>` counter and the
 * `.time` (nanoseconds) and `.size` (body bytes written)
 * histograms.
 */

export const routerMetrics: EndpointMiddlewareFactory = (endpoint) => {
  const prefix = `krakend.router.response.${endpoint.endpoint}`;
  // Wraps write/end and waits for 'close': what the fast path's raw response offers (core/fast-path/).
  return markFastPathReady((_req, res, _params, next) => {
    const started = process.hrtime.bigint();
    // Body bytes as written (gin's Writer.Size()): headers set through writeHead are invisible to getHeader.
    let size = 0;
    const write = res.write;
    const end = res.end;
    res.write = function (this: typeof res, chunk: unknown, ...rest: unknown[]) {
      size += bodyBytes(chunk);
      return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
    } as typeof res.write;
    res.end = function (this: typeof res, chunk?: unknown, ...rest: unknown[]) {
      if (typeof chunk !== 'function') size += bodyBytes(chunk);
      return (end as (...a: unknown[]) => typeof res).call(this, chunk, ...rest);
    } as typeof res.end;
    res.once('close', () => {
      stats.inc(`${prefix}.status.${res.statusCode}`);
      stats.observe(`${prefix}.time`, Number(process.hrtime.bigint() - started));
      stats.observe(`${prefix}.size`, size);
    });
    next();
  });
};

function bodyBytes(chunk: unknown): number {
  if (typeof chunk === 'string') return Buffer.byteLength(chunk);
  if (chunk instanceof Uint8Array) return chunk.length;
  return 0;
}
