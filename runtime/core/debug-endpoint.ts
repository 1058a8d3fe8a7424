import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from './logger.js';

/**
 * `/__debug/*` (debug_endpoint or `-d`): any method answers 200
 * `{"message":"pong"}` and the request is logged at DEBUG — KrakenD configs
 * and its test suite use it as a backend that always works.
 */
export const DEBUG_PREFIX = '/__debug/';
const PONG = Buffer.from('{"message":"pong"}');

export function handleDebug(req: IncomingMessage, res: ServerResponse, log: Logger): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.once('end', () => {
    log.debug(`debug endpoint: ${req.method} ${req.url} headers=${JSON.stringify(req.headersDistinct)} body=${JSON.stringify(Buffer.concat(chunks).toString('utf8'))}`);
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': PONG.length }).end(PONG);
  });
  req.once('error', () => res.destroy());
}

/** `/__debug` without the slash: gin's redirect to `/__debug/`. */
export function redirectToDebug(req: IncomingMessage, res: ServerResponse): void {
  const q = (req.url ?? '').indexOf('?');
  const location = DEBUG_PREFIX + (q === -1 ? '' : (req.url ?? '').slice(q));
  const status = req.method === 'GET' ? 301 : 307;
  const body = req.method === 'GET' ? Buffer.from(`<a href="${location}">Moved Permanently</a>.\n\n`) : Buffer.alloc(0);
  const headers: Record<string, string | number> = { Location: location, 'Content-Length': body.length };
  if (body.length > 0) headers['Content-Type'] = 'text/html; charset=utf-8';
  res.writeHead(status, headers).end(body);
}
