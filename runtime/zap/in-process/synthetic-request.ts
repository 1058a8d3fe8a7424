import { IncomingMessage } from 'node:http';
import type { ExchangeSocket } from './exchange-socket.js';

/**
 * An IncomingMessage built from a decoded ZAP request instead of parsed off
 * a socket: HTTP/1.1, the lines as given (`rawHeaders`), and the `headers` /
 * `headersDistinct` views Node would derive from them — built here with
 * Node's own line-merging rule (`_addHeaderLine`: repeated lines joined,
 * Set-Cookie kept as a list, single-valued names keep their first), since
 * Node derives them lazily from a line count only its parser sets. The body
 * is whole already (the ZAP frame carried it), so it is queued at once and
 * the message is complete.
 */
export interface SyntheticRequestParts {
  method: string;
  /** Path plus `?query`. */
  target: string;
  /** name, value, name, value … */
  rawHeaders: string[];
  body: Buffer;
}

interface IncomingInternals {
  _addHeaderLine(field: string, value: string, dest: Record<string, unknown>): void;
}

export function syntheticRequest(socket: ExchangeSocket, parts: SyntheticRequestParts): IncomingMessage {
  const req = new IncomingMessage(socket as never);
  req.method = parts.method;
  req.url = parts.target;
  req.httpVersionMajor = 1;
  req.httpVersionMinor = 1;
  req.httpVersion = '1.1';
  req.rawHeaders = parts.rawHeaders;
  const raw = parts.rawHeaders;
  const headers: Record<string, unknown> = {};
  const distinct: Record<string, string[]> = {};
  const add = (req as unknown as IncomingInternals)._addHeaderLine;
  for (let i = 0; i < raw.length; i += 2) {
    add.call(req, raw[i]!, raw[i + 1]!, headers);
    (distinct[raw[i]!.toLowerCase()] ??= []).push(raw[i + 1]!);
  }
  req.headers = headers as IncomingMessage['headers'];
  req.headersDistinct = distinct;
  if (parts.body.length > 0) req.push(parts.body);
  req.push(null);
  req.complete = true;
  return req;
}
