/**
 * The identity a backend receives (spec A7): headers minted from a verified
 * token only, after the ingress strip. Each is written with "set" semantics
 * and only when its value is non-empty — an absent header and an empty one are
 * different statements. Names go out in Go's canonical form (Go's Header.Set
 * turns `X-User-IsAdmin` into `X-User-Isadmin` on the wire); header names are
 * case-insensitive anyway.
 */
import type { IncomingMessage } from 'node:http';
import { canonicalHeaderKey } from '../../core/canonical-header-key.js';
import type { Logger } from '../../core/logger.js';
import { effectiveOrg, hasUnsafeRune, homeOrg, isOrgAdmin, isPlatformSudo, userId, username, type IamClaims } from './iam-claims.js';
import { moneyBits, permissionsHeaderValue } from './permission-bits.js';
import { setRequestHeaders, toHeaderValue } from './request-headers.js';

export type IdentityHeader = readonly [name: string, value: string];

/** The minted headers, in text form, for these claims and the client's org selection. */
export function identityHeaders(claims: IamClaims, selectedOrg: string): IdentityHeader[] {
  const org = effectiveOrg(claims, selectedOrg);
  const out: IdentityHeader[] = [];
  const add = (name: string, value: string | undefined) => {
    if (value !== undefined && value !== '') out.push([canonicalHeaderKey(name), value]);
  };
  add('X-Org-Id', org);
  add('X-User-Owner', homeOrg(claims));
  add('X-Workspace-Id', hasUnsafeRune(claims.workspace) ? '' : claims.workspace);
  add('X-Project-Id', hasUnsafeRune(claims.project) ? '' : claims.project);
  add('X-User-Id', userId(claims));
  add('X-User-Name', username(claims));
  add('X-User-Email', claims.email);
  add('X-Billing-Account-Id', claims.billingAccount);
  add('X-User-IsAdmin', isPlatformSudo(claims) ? 'true' : '');
  add('X-User-IsOrgAdmin', isOrgAdmin(claims, org) ? 'true' : '');
  add('X-User-Permissions', permissionsHeaderValue(moneyBits(claims)));
  return out;
}

/**
 * Writes the headers into the request (all of Node's header views). A value
 * that cannot travel in a header (CR, LF, other control characters) is left
 * out and logged: the backend then sees less identity, never a broken one.
 */
export function writeIdentityHeaders(req: IncomingMessage, headers: readonly IdentityHeader[], log: Logger): void {
  const lines: string[] = [];
  for (const [name, text] of headers) {
    const wire = toHeaderValue(text);
    if (wire === undefined) {
      log.warn(`hanzo auth: claim value for ${name} holds control characters; header not sent`);
      continue;
    }
    lines.push(name, wire);
  }
  // The names are distinct, so one set-all is the same as setting each in turn.
  if (lines.length > 0) setRequestHeaders(req, lines);
}
