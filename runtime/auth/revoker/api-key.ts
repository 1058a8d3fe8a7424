import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * The revocation API's key check: `Authorization: Bearer <key>`, compared in
 * constant time. Both sides are hashed first, so `timingSafeEqual` always
 * compares 32 bytes and neither the key's length nor its prefix leaks
 * through timing. An empty key means no check (loopback only: see
 * revoker-config.ts).
 */
export function apiKeyCheck(key: string): (authorization: string | undefined) => boolean {
  if (key === '') return () => true;
  const expected = digest(`Bearer ${key}`);
  return (authorization) => timingSafeEqual(digest(authorization ?? ''), expected);
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}
