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
