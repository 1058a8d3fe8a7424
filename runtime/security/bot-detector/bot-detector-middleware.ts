import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EndpointMiddleware, EndpointMiddlewareFactory, Middleware, MiddlewareFactory } from '../../core/middleware.js';
import type { Logger } from '../../shared/log/logger.js';
import { BOT_DETECTOR_NAMESPACE, createBotDetector, readBotDetectorConfig, type IsBot } from './bot-detector.js';

/**
 * `security/bot-detector` (krakend-botdetector). At service level it runs for
 * every request before routing; at endpoint level it wraps that endpoint.
 * A bot gets **403 with an empty body** and no other header than
 * `Content-Length: 0` (none on HEAD) — gin's `AbortWithStatus`, before any
 * KrakenD/gateway header is written — and an ERROR log line
 * `[SERVICE: Gin][Botdetector] bot rejected`. Headers set earlier on `res`
 * (CORS) stay, as in Go where CORS wraps gin.
 *
 * A config Go cannot use (wrong types, a bad pattern, a negative
 * `cache_size`) logs a warning and leaves the detector out, as KrakenD does.
 */
export const botDetectorMiddleware: MiddlewareFactory = (deps) => {
  const prefix = '[SERVICE: Gin][Botdetector]';
  const isBot = build(deps.service.extraConfig, deps.log, prefix);
  if (!isBot) return passThrough;
  return (req, res, next) => {
    if (isBot(userAgentOf(req))) reject(req, res, deps.log, prefix);
    else next();
  };
};

/** The same detector configured on one endpoint's `extra_config`. */
export const botDetectorEndpointMiddleware: EndpointMiddlewareFactory = (endpoint, deps) => {
  const prefix = `[ENDPOINT: ${endpoint.endpoint}][Botdetector]`;
  const isBot = build(endpoint.extraConfig, deps.log, prefix);
  if (!isBot) return passThroughEndpoint;
  return (req, res, _params, next) => {
    if (isBot(userAgentOf(req))) reject(req, res, deps.log, prefix);
    else next();
  };
};

const passThrough: Middleware = (_req, _res, next) => next();
const passThroughEndpoint: EndpointMiddleware = (_req, _res, _params, next) => next();

function build(extraConfig: Record<string, unknown>, log: Logger, prefix: string): IsBot | undefined {
  if (!(BOT_DETECTOR_NAMESPACE in extraConfig)) return undefined;
  let config;
  try {
    config = readBotDetectorConfig(extraConfig);
  } catch (err) {
    log.warn(`${prefix} ${(err as Error).message}`);
    return undefined;
  }
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
