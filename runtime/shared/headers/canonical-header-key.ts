/**
 * Go's textproto.CanonicalMIMEHeaderKey: `x-user-id` → `X-User-Id`. Keys with
 * characters outside the token set are returned unchanged, as Go does.
 * The one helper the CLI shares with the runtime: the Plan stores header
 * names in this form and the runtime must produce the same form.
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
