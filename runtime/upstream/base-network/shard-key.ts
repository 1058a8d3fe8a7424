import { headerValue } from '../../shared/upstream/synthetic-response.js';

/**
 * The shard key of a request, per `shard_key_source`. `jwt.sub` and
 * `jwt.owner` read X-User-Id / X-Org-Id, which only the auth layer mints from
 * a verified token (client copies are stripped on ingress) — the JWT itself is
 * not decoded here. `header:` and `cookie:` values come from the client and
 * can be chosen freely by it.
 */
export type ShardKeyReader = (headers: readonly string[]) => string;

export function shardKeyReader(source: string): ShardKeyReader {
  if (source === 'jwt.sub') return (h) => headerValue(h, 'x-user-id') ?? '';
  if (source === 'jwt.owner') return (h) => headerValue(h, 'x-org-id') ?? '';
  if (source.startsWith('header:')) {
    const name = source.slice('header:'.length).toLowerCase();
    return (h) => headerValue(h, name) ?? '';
  }
  if (source.startsWith('cookie:')) {
    const name = source.slice('cookie:'.length);
    return (h) => cookieValue(headerValue(h, 'cookie') ?? '', name);
  }
  return () => '';
}

/** Go's cookie parsing of one Cookie header: `a=1; b=2`, optional quotes around a value. */
function cookieValue(header: string, name: string): string {
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    let v = part.slice(eq + 1).trim();
    if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1);
    return v;
  }
  return '';
}
