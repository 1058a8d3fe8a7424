import { HELD_BODY_LIMIT, PayloadTooLargeError } from '../held-body-limit.js';
import type { UpstreamHandler } from './upstream.js';

/**
 * An answer the upstream makes up itself (`{"error":"no_writer"}` and the
 * like), delivered through the same handler callbacks as a real backend's,
 * so endpoints treat it like any response.
 */
export function respondJson(handler: UpstreamHandler, status: number, body: string): void {
  const bytes = Buffer.from(body);
  handler.onConnect(() => {});
  const headers = [Buffer.from('Content-Type'), Buffer.from('application/json'), Buffer.from('Content-Length'), Buffer.from(String(bytes.length))];
  handler.onHeaders(status, headers, () => {}, '');
  handler.onData(bytes);
  handler.onComplete(null);
}

/**
 * The request body as one Buffer (streams and iterables read to the end), so
 * a call can be replayed — at most the held-body limit (32 MiB), past which
 * the call fails with 413's error.
 */
export async function bufferBody(body: unknown): Promise<Buffer | null> {
  if (body === null || body === undefined) return null;
  if (Buffer.isBuffer(body)) return body;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer | string>) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    size += buf.length;
    if (size > HELD_BODY_LIMIT) throw new PayloadTooLargeError();
    chunks.push(buf);
  }
  return Buffer.concat(chunks, size);
}

/** First value of a header in a flat `[name, value, …]` list, matched case-insensitively. */
export function headerValue(headers: readonly string[], lower: string): string | undefined {
  for (let i = 0; i < headers.length; i += 2) if (headers[i]!.toLowerCase() === lower) return headers[i + 1];
  return undefined;
}
