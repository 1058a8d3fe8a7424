/**
 * The `X-User-Permissions` bit-field (spec A9), shared with Commerce: bit n
 * means permission n, the header carries the base-10 integer. Bits run up to
 * 59, past Number.MAX_SAFE_INTEGER (2^53 - 1), so everything is BigInt and
 * printed with toString(10) — a Number would silently round the low bits.
 *
 * Era C (what the gateway mints) derives only two bits from authority:
 * `live` from the org `isAdmin` bit and `admin` from platform sudo. The full
 * name table is kept for the Era B `permissions`-claim rule and for other
 * callers that must produce Commerce-compatible values.
 */
import { isPlatformSudo, type IamClaims } from './iam-claims.js';

const NOUNS = [
  'bundle', 'campaign', 'collection', 'coupon', 'form', 'order', 'organization', 'payment',
  'plan', 'product', 'referral', 'referrer', 'store', 'subscriber', 'user', 'variant',
] as const;

/** Permission name → bit position (value 1n << position). */
export const PERMISSION_BIT_POSITIONS: ReadonlyMap<string, number> = buildTable();

function buildTable(): Map<string, number> {
  const table = new Map<string, number>([
    ['live', 2],
    ['test', 3],
    ['admin', 4],
    ['published', 5],
    ['secret', 6],
    ['authorize', 7],
    ['capture', 8],
  ]);
  NOUNS.forEach((noun, i) => {
    table.set(noun, 9 + i); // bundle 9 … variant 24
    table.set(`read${noun}`, 25 + i); // readbundle 25 … readvariant 40
    table.set(`write${noun}`, 41 + i); // writebundle 41 … writevariant 56
  });
  table.set('return', 57);
  table.set('readreturn', 58);
  table.set('writereturn', 59);
  return table;
}

export const LIVE_BIT = 1n << 2n;
export const ADMIN_BIT = 1n << 4n;

/** Names (trimmed, case-folded) OR'd together; unknown names add nothing. */
export function permissionBitsFromNames(names: Iterable<string>): bigint {
  let bits = 0n;
  for (const name of names) {
    const position = PERMISSION_BIT_POSITIONS.get(name.trim().toLowerCase());
    if (position !== undefined) bits |= 1n << BigInt(position);
  }
  return bits;
}

/** Era C `moneyBits`: live (4) for the org admin bit, admin (16) for platform sudo. */
export function moneyBits(claims: IamClaims): bigint {
  let bits = 0n;
  if (claims.isAdmin) bits |= LIVE_BIT;
  if (isPlatformSudo(claims)) bits |= ADMIN_BIT;
  return bits;
}

/** The header value, or undefined when no bit is set (the header is then omitted). */
export function permissionsHeaderValue(bits: bigint): string | undefined {
  return bits === 0n ? undefined : bits.toString(10);
}
