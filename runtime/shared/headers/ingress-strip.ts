/**
 * The identity trust boundary (spec A8, hanzo-core §8.4): a client must never
 * be able to state who it is through a header. Every header the gateway mints
 * (and every retired or reserved identity name) is deleted from every request,
 * in every letter case and every repeated line, before anything else happens,
 * on every branch (public, API key, no token, auth disabled). Identity headers
 * are then minted again only from a verified token.
 */
import type { IncomingMessage } from 'node:http';
import { VERIFIED_IDENTITY, type RequestWithIdentity } from './verified-identity.js';
import { firstRequestHeader } from './request-header-lines.js';
import { removeRequestHeaders } from './request-headers.js';

/** Era C strip list (authz `Headers` plus retired names), lower-cased. */
const STRIPPED_NAMES: ReadonlySet<string> = new Set(
  [
    'X-Org-Id',
    'X-Workspace-Id',
    'X-Project-Id',
    'X-Scope',
    'X-Scope-Role',
    'X-User-Id',
    'X-User-Name',
    'X-User-Email',
    'X-User-Owner',
    'X-User-IsAdmin',
    'X-User-IsOrgAdmin',
    'X-User-Permissions',
    'X-Billing-Account-Id',
    'X-App-Id',
    // retired, never minted any more, still refused from clients
    'X-User-IsGlobalAdmin',
    'X-Roles',
    'X-User-Role',
    'X-User-Roles',
    'X-Tenant-Id',
    'X-Phone-Number',
    'X-Org',
    // acting on behalf of another org or project is the gateway's statement, never the client's
    'X-Act-As-Org',
    'X-Act-As-Project',
    // the bare reserved prefixes
    'X-Iam',
    'X-Hanzo',
  ].map((n) => n.toLowerCase()),
);

/** Reserved namespaces: any header starting with these belongs to the gateway. */
const STRIPPED_PREFIXES: readonly string[] = ['x-iam-', 'x-hanzo-'];

/**
 * Whether a lower-cased header name is an identity header. Names are compared
 * with `_` read as `-`: Node keeps underscores, and CGI/PHP/WSGI backends read
 * `X_User_Id` as `HTTP_X_USER_ID`, the same variable as `X-User-Id`.
 */
export function isIdentityHeader(lowerName: string): boolean {
  const name = lowerName.includes('_') ? lowerName.replaceAll('_', '-') : lowerName;
  if (STRIPPED_NAMES.has(name)) return true;
  for (const prefix of STRIPPED_PREFIXES) if (name.startsWith(prefix)) return true;
  return false;
}

/**
 * Strips the identity headers and returns the client's first `X-Org-Id` line
 * as received (wire form): the org the client *asks* to act in. It grants
 * nothing by itself; the verified claims decide (see `effectiveOrg`). The
 * request is marked as gated with no identity (VERIFIED_IDENTITY) until a
 * verified token adds one.
 */
export function stripIdentityHeaders(req: IncomingMessage): string {
  const selectedOrg = firstRequestHeader(req, 'x-org-id');
  removeRequestHeaders(req, isIdentityHeader);
  (req as RequestWithIdentity)[VERIFIED_IDENTITY] = [];
  return selectedOrg;
}
