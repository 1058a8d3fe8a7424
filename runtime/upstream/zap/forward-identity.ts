import { isIdentityHeader } from '../../shared/headers/ingress-strip.js';
import type { UpstreamRequest } from '../../shared/upstream/upstream.js';

/**
 * What a Forward envelope says about who is calling (spec C4: IsAdmin,
 * Permissions, TenantID, UserID), taken from the identity the gateway's IAM
 * gate verified and minted (`request.identity`), never from the header lines
 * a client sent. When no gate ran, the envelope states no identity and every
 * identity header line is left out of its Headers too: `forward.Serve` re-adds
 * the Headers before it writes the envelope's identity, so a client's
 * `X-User-Id` would otherwise reach the backend whenever UserID is empty.
 * When the gate ran, the identity lines in the request are its own output
 * (it strips the client's first) and stay.
 */
export interface ForwardIdentity {
  isAdmin: boolean;
  permissions: bigint;
  tenantId: string;
  userId: string;
}

const NOBODY: ForwardIdentity = { isAdmin: false, permissions: 0n, tenantId: '', userId: '' };

export function forwardIdentity(request: UpstreamRequest): ForwardIdentity {
  const minted = request.identity;
  if (minted === undefined || minted.length === 0) return NOBODY;
  const get = (lower: string) => minted.find(([name]) => name.toLowerCase() === lower)?.[1] ?? '';
  const permissions = get('x-user-permissions');
  return {
    isAdmin: get('x-user-isadmin') === 'true',
    permissions: /^\d+$/.test(permissions) ? BigInt.asIntN(64, BigInt(permissions)) : 0n,
    tenantId: get('x-org-id'),
    userId: get('x-user-id'),
  };
}

/** The request's header lines as pairs, without identity lines when no gate ran. */
export function forwardHeaders(request: UpstreamRequest): Array<[string, string]> {
  const gated = request.identity !== undefined;
  const out: Array<[string, string]> = [];
  const h = request.headers;
  for (let i = 0; i + 1 < h.length; i += 2) {
    if (!gated && isIdentityHeader(h[i]!.toLowerCase())) continue;
    out.push([h[i]!, h[i + 1]!]);
  }
  return out;
}
