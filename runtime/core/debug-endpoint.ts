import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../shared/log/logger.js';
import { DIAGNOSTIC_BODY_LIMIT, readHeldBody, writePlainTooLarge } from './body-limit.js';

/**
 * `/__debug/*` (debug_endpoint or `-d`): any method answers 200
 * `{"message":"pong"}` and the request is logged at DEBUG — KrakenD configs
 * and its test suite use it as a backend that always works. A body over the
 * diagnostic bound is a 413 instead (KrakenD has no bound).
 */
export const DEBUG_PREFIX = '/__debug/';
const PONG = Buffer.from('{"message":"pong"}');

export function handleDebug(req: IncomingMessage, res: ServerResponse, log: Logger): void {
  readHeldBody(req, res, DIAGNOSTIC_BODY_LIMIT, (body) => {
    log.debug(`debug endpoint: ${req.method} ${req.url} headers=${JSON.stringify(req.headersDistinct)} body=${JSON.stringify(body.toString('utf8'))}`);
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': PONG.length }).end(PONG);
  }, () => writePlainTooLarge(res));
}
