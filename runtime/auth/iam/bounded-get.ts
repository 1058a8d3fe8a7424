/**
 * One HTTP GET with the limits the Go gateway puts on its side calls (JWKS:
 * 10 s, 1 MiB; Commerce balance: 5 s, 64 KiB): a whole-call timeout and a cap
 * on the body, so a slow or hostile peer can neither hold a request forever
 * nor make the gateway buffer an unbounded body.
 */

export interface BoundedGetOptions {
  headers?: Record<string, string>;
  timeoutMs: number;
  maxBodyBytes: number;
}

export interface BoundedGetResult {
  status: number;
  body: Buffer;
}

export class BodyTooLargeError extends Error {}

export async function boundedGet(url: string, options: BoundedGetOptions): Promise<BoundedGetResult> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  const res = await fetch(url, { method: 'GET', headers: options.headers, signal, redirect: 'follow' });
  const chunks: Buffer[] = [];
  let size = 0;
  if (res.body) {
    const reader = res.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > options.maxBodyBytes) throw new BodyTooLargeError(`response body exceeds ${options.maxBodyBytes} bytes`);
        chunks.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
      }
    } finally {
      await reader.cancel().catch(() => undefined);
    }
  }
  return { status: res.status, body: Buffer.concat(chunks, size) };
}
