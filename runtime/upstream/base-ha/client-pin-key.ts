import { headerValue } from '../../shared/upstream/synthetic-response.js';

/**
 * Whose reads follow their writes: the client IP (first X-Forwarded-For
 * entry), X-Org-Id and X-User-Id, joined with `|` — as the Go gateway keys
 * its pins. '' (no pinning) when neither an IP nor a user is known; an org
 * alone is too coarse to pin on. These headers must be among the endpoint's
 * input_headers to reach the backend stage (X-Forwarded-For always does).
 */
export function clientPinKey(headers: readonly string[]): string {
  let ip = headerValue(headers, 'x-forwarded-for') ?? '';
  const comma = ip.indexOf(',');
  if (comma > 0) ip = ip.slice(0, comma).trim();
  const org = headerValue(headers, 'x-org-id') ?? '';
  const user = headerValue(headers, 'x-user-id') ?? '';
  if (ip === '' && user === '') return '';
  return `${ip}|${org}|${user}`;
}
