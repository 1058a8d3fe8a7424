/**
 * The balance (billing) gate (spec A10): an identified user spending on a
 * gated path needs a positive available balance at Commerce. One Commerce
 * call per gated request, no caching, so a top-up or exhaustion counts at once.
 *
 * Outcomes: `available > 0` → allow; `available <= 0` → 402 (insufficient);
 * Commerce down, timing out, answering non-200 or unreadable JSON →
 * unreachable (the middleware answers 503 when fail-closed, Era C and the
 * default, or passes the request with `BILLING_FAIL_CLOSED=false`, Era A's
 * fail-open). Billing switched on without a Commerce URL or token is
 * misconfigured: always 503.
 */
import type { HanzoAuthConfig } from './auth-config.js';
import { boundedGet } from './bounded-get.js';

const BALANCE_TIMEOUT_MS = 5_000;
const BALANCE_MAX_BODY = 64 << 10;

export type BalanceVerdict =
  | { kind: 'allow' }
  | { kind: 'insufficient'; billingUser: string }
  | { kind: 'unreachable'; reason: string }
  | { kind: 'misconfigured' };

/** Whether the path is balance-gated. `/v1/commerce` (and below) never is: users must reach billing to pay. */
export function billingPathMatch(path: string, billingPaths: readonly string[]): boolean {
  if (path === '/v1/commerce' || path.startsWith('/v1/commerce/')) return false;
  if (billingPaths.length === 0) return true;
  return billingPaths.some((prefix) => prefix !== '' && path.startsWith(prefix));
}

/** The ledger key Commerce bills: `org/user` when the payer org is known and the user id has no `/`. */
export function billingUser(userId: string, ledgerOrg: string): string {
  return ledgerOrg !== '' && !userId.includes('/') ? `${ledgerOrg}/${userId}` : userId;
}

export async function checkBalance(config: Pick<HanzoAuthConfig, 'billingUrl' | 'billingToken'>, user: string): Promise<BalanceVerdict> {
  if (config.billingUrl === '' || config.billingToken === '') return { kind: 'misconfigured' };
  const url = `${config.billingUrl}/v1/billing/balance?user=${encodeURIComponent(user)}&currency=usd`;
  let available: number;
  try {
    const res = await boundedGet(url, {
      timeoutMs: BALANCE_TIMEOUT_MS,
      maxBodyBytes: BALANCE_MAX_BODY,
      headers: { Authorization: `Bearer ${config.billingToken}`, Accept: 'application/json' },
    });
    if (res.status !== 200) throw new Error(`commerce answered ${res.status}`);
    available = readAvailable(res.body.toString('utf8'));
  } catch (err) {
    return { kind: 'unreachable', reason: err instanceof Error ? err.message : String(err) };
  }
  return available > 0 ? { kind: 'allow' } : { kind: 'insufficient', billingUser: user };
}

/**
 * `{"user","currency","balance","holds","available"}` as Go decodes it into a
 * typed struct: absent or null fields are zero, integers for the amounts
 * (cents), any other type is a decode error.
 */
function readAvailable(text: string): number {
  const doc: unknown = JSON.parse(text);
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error('balance answer is not a JSON object');
  const d = doc as Record<string, unknown>;
  for (const f of ['user', 'currency']) {
    const v = d[f];
    if (v !== undefined && v !== null && typeof v !== 'string') throw new Error(`balance field ${f} is not a string`);
  }
  for (const f of ['balance', 'holds', 'available']) {
    const v = d[f];
    if (v !== undefined && v !== null && !Number.isInteger(v)) throw new Error(`balance field ${f} is not an integer`);
  }
  const available = d.available;
  return typeof available === 'number' ? available : 0;
}
