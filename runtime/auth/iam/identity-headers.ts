/**
 * The identity a backend receives (spec A7): headers minted from a verified
 * token only, after the ingress strip. Each is written with "set" semantics
 * and only when its value is non-empty — an absent header and an empty one are
 * different statements. Names go out in Go's canonical form (Go's Header.Set
 * turns `X-User-IsAdmin` into `X-User-Isadmin` on the wire); header names are
 * case-insensitive anyway.
 */
import type { IncomingMessage } from 'node:http';
import { canonicalHeaderKey } from '../../shared/headers/canonical-header-key.js';
import { VERIFIED_IDENTITY, type RequestWithIdentity } from '../../shared/headers/verified-identity.js';
import type { Logger } from '../../shared/log/logger.js';
import { effectiveOrg, hasUnsafeRune, homeOrg, isOrgAdmin, isPlatformSudo, userId, username, type IamClaims } from './iam-claims.js';
import { moneyBits, permissionsHeaderValue } from './permission-bits.js';
import { setRequestHeaders, toHeaderValue } from '../../shared/headers/request-headers.js';

export type IdentityHeader = readonly [name: string, value: string];

/** The minted names in Go's canonical form, computed once rather than on every request. */
const NAMES = {
  org: canonicalHeaderKey('X-Org-Id'),
  owner: canonicalHeaderKey('X-User-Owner'),
  workspace: canonicalHeaderKey('X-Workspace-Id'),
  project: canonicalHeaderKey('X-Project-Id'),
  user: canonicalHeaderKey('X-User-Id'),
  userName: canonicalHeaderKey('X-User-Name'),
  email: canonicalHeaderKey('X-User-Email'),
  billing: canonicalHeaderKey('X-Billing-Account-Id'),
  admin: canonicalHeaderKey('X-User-IsAdmin'),
  orgAdmin: canonicalHeaderKey('X-User-IsOrgAdmin'),
  permissions: canonicalHeaderKey('X-User-Permissions'),
} as const;

/** The minted headers, in text form, for these claims and the client's org selection. */
export function identityHeaders(claims: IamClaims, selectedOrg: string): IdentityHeader[] {
  const org = effectiveOrg(claims, selectedOrg);
  const out: IdentityHeader[] = [];
  const add = (name: string, value: string | undefined) => {
    if (value !== undefined && value !== '') out.push([name, value]);
  };
  add(NAMES.org, org);
  add(NAMES.owner, homeOrg(claims));
  add(NAMES.workspace, hasUnsafeRune(claims.workspace) ? '' : claims.workspace);
  add(NAMES.project, hasUnsafeRune(claims.project) ? '' : claims.project);
  add(NAMES.user, userId(claims));
  add(NAMES.userName, username(claims));
  add(NAMES.email, claims.email);
  add(NAMES.billing, claims.billingAccount);
  add(NAMES.admin, isPlatformSudo(claims) ? 'true' : '');
  add(NAMES.orgAdmin, isOrgAdmin(claims, org) ? 'true' : '');
  add(NAMES.permissions, permissionsHeaderValue(moneyBits(claims)));
  return out;
}

/**
 * Writes the headers into the request (all of Node's header views). A value
 * that cannot travel in a header (CR, LF, other control characters) is left
 * out and logged: the backend then sees less identity, never a broken one.
 * What was written is recorded as the request's VERIFIED_IDENTITY.
 */
export function writeIdentityHeaders(req: IncomingMessage, headers: readonly IdentityHeader[], log: Logger): void {
  const written: IdentityHeader[] = [];
  const lines: string[] = [];
  for (const [name, text] of headers) {
    const wire = toHeaderValue(text);
    if (wire === undefined) {
      log.warn(`hanzo auth: claim value for ${name} holds control characters; header not sent`);
      continue;
    }
    written.push([name, wire]);
    lines.push(name, wire);
  }
  // The names are distinct, so one set-all is the same as setting each in turn.
  if (lines.length > 0) setRequestHeaders(req, lines);
  (req as RequestWithIdentity)[VERIFIED_IDENTITY] = written;
}
