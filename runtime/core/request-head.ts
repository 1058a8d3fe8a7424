import type { IncomingMessage, ServerResponse } from 'node:http';
import { soleRequestHeader } from '../shared/headers/request-header-lines.js';

/**
 * The request-head checks Go's net/http server makes before any handler runs
 * and Node's parser does not: HTTP/1.x only (an HTTP/0.9-style `GET /x` line
 * or `HTTP/2.0` is refused), at most one Host line, and a Host made only of
 * the bytes `httpguts.ValidHostHeader` allows (so `h:80@evil` or a space is
 * refused). Node already refuses an HTTP/1.1 request without Host.
 */

/** httpguts' validHostByte: letters, digits and `!$%&'()*+,-.:;=[]_~`. */
const VALID_HOST = /^[A-Za-z0-9!$%&'()*+,\-.:;=[\]_~]*$/;

/** Go's text for a head it refuses (after `400 Bad Request`), or undefined when the head is fine. */
export function malformedHead(req: IncomingMessage): string | undefined {
  // HTTP/2 arrives only through the TLS or h2c front (an Http2ServerRequest, which has a `stream`); a
  // request line claiming HTTP/2.0 on the HTTP/1 parser is refused, as Go does.
  if (req.httpVersionMajor !== 1 && !(req.httpVersionMajor === 2 && 'stream' in req)) return req.httpVersionMajor === 0 ? '' : 'unsupported protocol version';
  const host = soleRequestHeader(req, 'host');
  if (host === null) return 'too many Host headers';
  if (host !== undefined && !VALID_HOST.test(host)) return 'malformed Host header';
  return undefined;
}

/** Go's answer to a refused head: `400 Bad Request[: reason]`, text, and the connection closes. */
export function writeMalformedHead(res: ServerResponse, reason: string): void {
  const body = Buffer.from(reason === '' ? '400 Bad Request' : `400 Bad Request: ${reason}`);
  res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close', 'Content-Length': body.length }).end(body);
}
