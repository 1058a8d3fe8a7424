/**
 * The verified IAM token's claims and what they mean (spec A6, hanzoai/authz
 * `Claims`). Authority comes only from the `orgs` memberships: `owner` is the
 * org of the application that minted the token and grants nothing; `roles`,
 * `permissions`, `phone*` and `isGlobalAdmin` are ignored (Era C).
 *
 * Claims are read only after the signature verified. A claim the gateway uses
 * that has the wrong JSON type makes the token invalid, as Go's typed decode
 * of the claims does; claims it does not use are not inspected.
 */

export type OrgRole = string;

export interface OrgMembership {
  org: string;
  role: OrgRole;
}

export interface IamClaims {
  sub: string;
  preferredUsername: string;
  name: string;
  email: string;
  owner: string;
  billingAccount: string;
  /** Org-level admin bit (for the home org). */
  isAdmin: boolean;
  /** Memberships, home org first. */
  orgs: OrgMembership[];
  workspace: string;
  project: string;
}

export class ClaimTypeError extends Error {}

/** Typed view of a verified payload; throws ClaimTypeError on a wrongly typed claim. */
export function readIamClaims(payload: Record<string, unknown>): IamClaims {
  return {
    sub: stringClaim(payload, 'sub'),
    preferredUsername: stringClaim(payload, 'preferred_username'),
    name: stringClaim(payload, 'name'),
    email: stringClaim(payload, 'email'),
    owner: stringClaim(payload, 'owner'),
    billingAccount: stringClaim(payload, 'billing_account'),
    isAdmin: boolClaim(payload, 'isAdmin'),
    orgs: orgsClaim(payload),
    workspace: stringClaim(payload, 'workspace'),
    project: stringClaim(payload, 'project'),
  };
}

/** `orgs[0].org`, or '' — never `owner`. */
export function homeOrg(c: IamClaims): string {
  return c.orgs[0]?.org ?? '';
}

/** A principal with no org memberships (a service/machine token). */
export function isMachine(c: IamClaims): boolean {
  return c.orgs.length === 0;
}

/** Platform operator: a member of the org named exactly `admin`. */
export function isPlatformSudo(c: IamClaims): boolean {
  return !isMachine(c) && c.orgs.some((m) => m.org === 'admin');
}

/** Admin of `org`: the `isAdmin` bit for the home org, or an admin/owner membership role. */
export function isOrgAdmin(c: IamClaims, org: string): boolean {
  if (isMachine(c) || org === '') return false;
  if (c.isAdmin && org === homeOrg(c)) return true;
  const membership = c.orgs.find((m) => m.org === org);
  if (!membership) return false;
  const role = membership.role.trim().toLowerCase();
  return role === 'admin' || role === 'owner';
}

/**
 * The org the request acts in: the client's selection (inbound `X-Org-Id`)
 * when the token is a member of it (verbatim) or a platform operator,
 * otherwise the home org.
 */
export function effectiveOrg(c: IamClaims, selected: string): string {
  const home = homeOrg(c);
  if (selected === '' || selected === home || hasUnsafeRune(selected)) return home;
  if (isPlatformSudo(c)) return selected;
  if (c.orgs.some((m) => m.org === selected)) return selected;
  return home;
}

/** Who pays: an operator's own home org, everyone else the effective org. */
export function ledgerOrg(c: IamClaims, selected: string): string {
  return isPlatformSudo(c) ? homeOrg(c) : effectiveOrg(c, selected);
}

/** First non-empty (trimmed) of `sub`, `preferred_username`, `name`. */
export function userId(c: IamClaims): string {
  for (const v of [c.sub, c.preferredUsername, c.name]) {
    const t = v.trim();
    if (t !== '') return t;
  }
  return '';
}

/** Trimmed `preferred_username`, no fallback. */
export function username(c: IamClaims): string {
  return c.preferredUsername.trim();
}

/** Whitespace, control or zero-width characters: such a value grants nothing. */
export function hasUnsafeRune(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f || c === 0x200b || c === 0x200c || c === 0x200d || c === 0xfeff) return true;
  }
  return false;
}

// Go's json decode into typed fields: absent or null leaves the zero value; any other type mismatch fails.

function stringClaim(payload: Record<string, unknown>, name: string): string {
  const v = payload[name];
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new ClaimTypeError(`claim ${name} must be a string`);
  return v;
}

function boolClaim(payload: Record<string, unknown>, name: string): boolean {
  const v = payload[name];
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') throw new ClaimTypeError(`claim ${name} must be a boolean`);
  return v;
}

function orgsClaim(payload: Record<string, unknown>): OrgMembership[] {
  const v = payload.orgs;
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new ClaimTypeError('claim orgs must be an array');
  return v.map((entry: unknown) => {
    if (entry === null) return { org: '', role: '' };
    if (typeof entry !== 'object' || Array.isArray(entry)) throw new ClaimTypeError('claim orgs must hold objects');
    const e = entry as Record<string, unknown>;
    return { org: stringClaim(e, 'org'), role: stringClaim(e, 'role') };
  });
}
