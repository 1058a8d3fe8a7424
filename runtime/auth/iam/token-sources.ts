/**
 * Where the HTTP gate finds a credential (spec A3): a Bearer token in
 * `Authorization` (or `X-Authorization` when `Authorization` is empty), else
 * one of the IAM token cookies. HTTP Basic and the query string are not token
 * sources here, on purpose.
 */
import type { IncomingMessage } from 'node:http';
import { firstRequestHeader } from '../../shared/headers/request-header-lines.js';

/** Cookie names in priority order (Era C). */
export const IAM_TOKEN_COOKIES: readonly string[] = ['__Host-hanzo_iam_token', 'hanzo_iam_token', 'iam_access_token', 'access_token', 'hanzo_token'];

/** The request's credential, or '' when it carries none. */
export function requestToken(req: IncomingMessage): string {
  const bearer = bearerToken(firstRequestHeader(req, 'authorization'), firstRequestHeader(req, 'x-authorization'));
  if (bearer !== '') return bearer;
  return cookieToken(firstRequestHeader(req, 'cookie'));
}

/**
 * `Authorization`, or `X-Authorization` only when `Authorization` is empty;
 * split at the first space, scheme `Bearer` in any case, the rest trimmed.
 */
export function bearerToken(authorization: string, xAuthorization: string): string {
  const header = authorization !== '' ? authorization : xAuthorization;
  const space = header.indexOf(' ');
  if (space === -1) return '';
  if (header.slice(0, space).toLowerCase() !== 'bearer') return '';
  return goTrimSpace(header.slice(space + 1));
}

/**
 * A hand-parsed Cookie header: pairs split on `;` and trimmed, name before the
 * first `=` matched exactly, value trimmed of spaces and surrounding quotes;
 * empty values skipped; the first occurrence of a name wins; names tried in
 * `IAM_TOKEN_COOKIES` order.
 */
export function cookieToken(cookieHeader: string): string {
  if (cookieHeader === '') return '';
  const found = new Map<string, string>();
  for (const part of cookieHeader.split(';')) {
    const pair = goTrimSpace(part);
    const eq = pair.indexOf('=');
    if (eq === -1) continue;
    const name = pair.slice(0, eq);
    if (found.has(name) || !IAM_TOKEN_COOKIES.includes(name)) continue;
    const value = trimChars(pair.slice(eq + 1), ' "');
    if (value !== '') found.set(name, value);
  }
  for (const name of IAM_TOKEN_COOKIES) {
    const value = found.get(name);
    if (value !== undefined) return value;
  }
  return '';
}

/** Go's strings.TrimSpace over the ASCII whitespace a header value can hold. */
function goTrimSpace(s: string): string {
  return s.replace(/^[\t\n\v\f\r ]+|[\t\n\v\f\r ]+$/g, '');
}

function trimChars(s: string, chars: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && chars.includes(s[start] ?? '')) start++;
  while (end > start && chars.includes(s[end - 1] ?? '')) end--;
  return s.slice(start, end);
}
