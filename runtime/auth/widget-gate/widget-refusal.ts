/**
 * The widget gate's three answers, as gin's AbortWithStatusJSON writes them:
 * the status, `Content-Type: application/json; charset=utf-8` and the compact
 * JSON body (keys in Go's sorted order, no trailing newline). No Retry-After
 * or rate-limit headers; headers an earlier middleware set (CORS) stay.
 */
import type { ServerResponse } from 'node:http';
import { goJsonQuote } from './go-json-quote.js';

export const ORIGIN_REQUIRED_MESSAGE = 'Widget keys require an Origin header. Use a Hanzo API key (sk-*) for server-to-server requests.';
export const ORIGIN_NOT_AUTHORIZED_MESSAGE = 'Widget key not authorized for origin: ';
export const RATE_LIMITED_MESSAGE = 'Widget rate limit exceeded. Try again shortly, or use a Hanzo API key (sk-*) for higher limits.';

export interface WidgetRefusal {
  readonly status: 403 | 429;
  readonly body: Buffer;
}

function refusal(status: 403 | 429, error: string, quotedMessage: string): WidgetRefusal {
  return { status, body: Buffer.from(`{"error":${goJsonQuote(error)},"message":${quotedMessage}}`, 'latin1') };
}

export const ORIGIN_REQUIRED: WidgetRefusal = refusal(403, 'forbidden', goJsonQuote(ORIGIN_REQUIRED_MESSAGE));
export const RATE_LIMITED: WidgetRefusal = refusal(429, 'rate_limited', goJsonQuote(RATE_LIMITED_MESSAGE));

/** `host` as the request carried it (one char per byte). */
export function originNotAuthorized(host: string): WidgetRefusal {
  return refusal(403, 'forbidden', goJsonQuote(ORIGIN_NOT_AUTHORIZED_MESSAGE + host));
}

export function writeWidgetRefusal(res: ServerResponse, refused: WidgetRefusal): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res
    .writeHead(refused.status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': refused.body.length,
    })
    .end(refused.body);
}
