import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { soleRequestHeader } from './headers/request-header-lines.js';

/**
 * The request id an access-log line carries and backends receive as
 * `X-Request-ID`: the client's own when it sent one that is short and plain
 * (at most 128 characters of `A-Z a-z 0-9 . _ ~ : / + = @ -`), else a fresh
 * UUID — so a hostile id can neither break a log line nor smuggle text into a
 * backend's logs. Kept on the request under a symbol, with whether the
 * gateway owns the header: under the hanzo profile it does, and every backend
 * gets the id whatever input_headers say; otherwise (KrakenD's zero-trust
 * rule) the request builder sends it only where input_headers lets
 * X-Request-ID through, in place of the client's header.
 */
export const REQUEST_ID = Symbol('hgw.requestId');
export const REQUEST_ID_OWNED = Symbol('hgw.requestIdOwned');

export type RequestWithId = IncomingMessage & { [REQUEST_ID]?: string; [REQUEST_ID_OWNED]?: boolean };

export const REQUEST_ID_HEADER = 'X-Request-ID';
const PLAIN_ID = /^[A-Za-z0-9._~:/+=@-]{1,128}$/;

/** `owned`: the gateway is the authority for X-Request-ID (the hanzo profile), so every backend gets the id. */
export function assignRequestId(req: IncomingMessage, owned: boolean): string {
  // Read from rawHeaders: this runs on every request under hanzo, and nothing else may need req.headers built.
  // Two lines are no plain id (Node would join them with ", ").
  const sent = soleRequestHeader(req, 'x-request-id');
  const id = typeof sent === 'string' && PLAIN_ID.test(sent) ? sent : randomUUID();
  (req as RequestWithId)[REQUEST_ID] = id;
  if (owned) (req as RequestWithId)[REQUEST_ID_OWNED] = true;
  return id;
}
