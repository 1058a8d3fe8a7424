/**
 * The raw Bearer token the widget gate looks at (hanzoai/authz edge.Bearer):
 * `Authorization`, or `X-Authorization` only when `Authorization` is empty;
 * split at the first space, scheme `Bearer` in any letter case, the rest
 * trimmed as Go's strings.TrimSpace does. Basic credentials and cookies give ''.
 */
import type { IncomingMessage } from 'node:http';
import { firstHeaderLine } from '../../shared/client-ip/first-header-line.js';
import { goTrimSpace } from '../../shared/go/go-trim-space.js';

export function bearerToken(req: IncomingMessage): string {
  let header = firstHeaderLine(req, 'authorization') ?? '';
  if (header === '') header = firstHeaderLine(req, 'x-authorization') ?? '';
  const space = header.indexOf(' ');
  // "Bearer" is six ASCII letters, so only a six-byte scheme can fold to it.
  if (space !== 6 || header.slice(0, 6).toLowerCase() !== 'bearer') return '';
  return goTrimSpace(header.slice(7));
}
