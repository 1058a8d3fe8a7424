/**
 * Go's textproto.CanonicalMIMEHeaderKey: `x-user-id` → `X-User-Id`. Keys with
 * characters outside the token set are returned unchanged, as Go does.
 */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export function canonicalHeaderKey(key: string): string {
  if (!TOKEN.test(key)) return key;
  let upper = true;
  let out = '';
  for (const ch of key) {
    out += upper ? ch.toUpperCase() : ch.toLowerCase();
    upper = ch === '-';
  }
  return out;
}
