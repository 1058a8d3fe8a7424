/**
 * The widget-key gate (Go: widgetGate.admit), for requests whose Bearer token
 * is an `hz_` key, a public credential embedded in web pages: the Origin (else
 * Referer) host must be on the allowlist, then the client IP must be inside
 * the per-IP and global sliding windows. Every other request passes untouched;
 * the gate only refuses and never edits the request.
 */
import type { IncomingMessage } from 'node:http';
import type { Middleware } from '../../core/middleware.js';
import { firstHeaderLine } from '../../shared/client-ip/first-header-line.js';
import { bearerToken } from './bearer-token.js';
import { originHost } from '../../shared/headers/origin-host.js';
import { originMatcher } from './origin-matcher.js';
import { monotonicClock, SlidingWindowLimiter, type Clock } from './sliding-window-limiter.js';
import type { WidgetGateConfig } from './widget-gate-config.js';
import { ORIGIN_REQUIRED, originNotAuthorized, RATE_LIMITED, writeWidgetRefusal } from './widget-refusal.js';

export const WIDGET_KEY_PREFIX = 'hz_';

export interface WidgetGateOptions {
  config: WidgetGateConfig;
  /** The rate-limit bucket of a request (the trusted-proxy client IP). */
  clientIp: (req: IncomingMessage) => string;
  /** Milliseconds, never going backwards; tests pass a fake one. */
  now?: Clock;
}

export interface WidgetGate {
  readonly middleware: Middleware;
  /** Exposed for the periodic sweep and for tests. */
  readonly limiter: SlidingWindowLimiter;
}

export function createWidgetGate(options: WidgetGateOptions): WidgetGate {
  const { config, clientIp } = options;
  const limiter = new SlidingWindowLimiter(
    { maxPerKey: config.maxRequestsPerIp, globalMax: config.globalMaxRequests, windowMs: config.windowMs },
    options.now ?? monotonicClock,
  );
  const checkOrigin = config.allowedOrigins.length > 0;
  const isAllowed = originMatcher(config.allowedOrigins);

  const middleware: Middleware = (req, res, next) => {
    if (!bearerToken(req).startsWith(WIDGET_KEY_PREFIX)) {
      next();
      return;
    }
    if (checkOrigin) {
      let origin = firstHeaderLine(req, 'origin') ?? '';
      if (origin === '') origin = firstHeaderLine(req, 'referer') ?? '';
      const host = originHost(origin);
      if (host === '') {
        writeWidgetRefusal(res, ORIGIN_REQUIRED);
        return;
      }
      if (!isAllowed(host)) {
        writeWidgetRefusal(res, originNotAuthorized(host));
        return;
      }
    }
    if (!limiter.allow(clientIp(req))) {
      writeWidgetRefusal(res, RATE_LIMITED);
      return;
    }
    next();
  };
  return { middleware, limiter };
}
