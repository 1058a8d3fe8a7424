/**
 * The answer to a request over its rate limit, as the Go gateway gives it:
 * 429 with `{"message":"rate limit exceeded"}` as JSON, plus `Retry-After`
 * with the whole seconds until the bucket has a token again (at least 1).
 * A request that cannot be told apart from others (its `header` is missing)
 * gets the same answer without Retry-After: waiting would not help it.
 */
import type { ServerResponse } from 'node:http';
import type { Branding } from '../../shared/branding.js';
import { writeGatewayError } from '../../core/responses.js';
import { ROUTER_REFUSALS } from './refusal-counter.js';

export const RATE_LIMITED_STATUS = 429;
export const RATE_LIMITED_BODY = '{"message":"rate limit exceeded"}';
const JSON_TYPE = 'application/json; charset=utf-8';

/** `waitMs`: ms until a token is there; undefined when no wait would help. */
export function writeRateLimited(res: ServerResponse, brand: Branding, waitMs: number | undefined): void {
  ROUTER_REFUSALS.add();
  if (waitMs !== undefined && !res.headersSent) res.setHeader('Retry-After', String(retryAfterSeconds(waitMs)));
  writeGatewayError(res, brand, RATE_LIMITED_STATUS, RATE_LIMITED_BODY, JSON_TYPE);
}

export function retryAfterSeconds(waitMs: number): number {
  return Math.max(1, Math.ceil(waitMs / 1000));
}
