import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EndpointMiddleware, EndpointMiddlewareFactory, Middleware, MiddlewareFactory } from '../../core/middleware.js';
import type { Logger } from '../../shared/log/logger.js';
import { createBotDetector, type BotDetectorConfig, type IsBot } from './bot-detector.js';
import { markFastPathReady } from '../../core/fast-path/fast-path-ready.js';

/**
 * `security/bot-detector` (krakend-botdetector). At service level it runs for
 * every request before routing; at endpoint level it wraps that endpoint.
 * A bot gets **403 with an empty body** and no other header than
 * `Content-Length: 0` (none on HEAD) — gin's `AbortWithStatus`, before any
 * KrakenD/gateway header is written — and an ERROR log line
 * `[SERVICE: Gin][Botdetector] bot rejected`. Headers set earlier on `res`
 * (CORS) stay, as in Go where CORS wraps gin.
 *
 * A config Go cannot use leaves the detector out, as KrakenD does: wrong
 * types are `check` errors (the Plan then has no settings), a bad pattern or
 * a negative `cache_size` a start-up warning.
 */
export const botDetectorMiddleware: MiddlewareFactory = (deps) => {
  const prefix = '[SERVICE: Gin][Botdetector]';
  const isBot = build(deps.service.settings['security/bot-detector'], deps.log, prefix);
  if (!isBot) return passThrough;
  // Reads the User-Agent, answers 403: what the fast path's raw response offers (core/fast-path/).
  return markFastPathReady((req, res, next) => {
    if (isBot(userAgentOf(req))) reject(req, res, deps.log, prefix);
    else next();
  });
};

/** The same detector configured on one endpoint's `extra_config`. */
export const botDetectorEndpointMiddleware: EndpointMiddlewareFactory = (endpoint, deps) => {
  const prefix = `[ENDPOINT: ${endpoint.endpoint}][Botdetector]`;
  const isBot = build(endpoint.settings['security/bot-detector'], deps.log, prefix);
  if (!isBot) return passThroughEndpoint;
  return markFastPathReady((req, res, _params, next) => {
    if (isBot(userAgentOf(req))) reject(req, res, deps.log, prefix);
    else next();
  });
};

const passThrough: Middleware = markFastPathReady((_req, _res, next) => next());
const passThroughEndpoint: EndpointMiddleware = markFastPathReady((_req, _res, _params, next) => next());

function build(config: BotDetectorConfig | undefined, log: Logger, prefix: string): IsBot | undefined {
  if (!config) return undefined;
  try {
    const isBot = createBotDetector(config);
    log.debug(`${prefix} The bot detector has been registered successfully`);
    return isBot;
  } catch (err) {
    log.warn(`${prefix} Unable to create the bot detector: ${(err as Error).message}`);
    return undefined;
  }
}

/** Go's `Header.Get("User-Agent")`: Node keeps only the first User-Agent line, as Go's Get reads it. */
function userAgentOf(req: IncomingMessage): string {
  return req.headers['user-agent'] ?? '';
}

function reject(req: IncomingMessage, res: ServerResponse, log: Logger, prefix: string): void {
  log.error(`${prefix} bot rejected`);
  if (req.method !== 'HEAD') res.setHeader('Content-Length', 0);
  res.writeHead(403).end();
}
