/**
 * What the chosen profile means for a config (cli/plan/profile.ts):
 *
 * - credential-policy-missing: in the credential-policy form (some endpoint
 *   carries `auth/public`) every endpoint must state an `auth/*` key, or the Go
 *   engine — and the built gateway — refuse to start, with Go's text.
 * - cors-not-wired: `security/cors` has no effect under the hanzo profile.
 * - identity-header-forgeable: an endpoint forwards a client's identity header
 *   that nothing in the built gateway strips or writes.
 * - identity-header-copied: a martian modifier writes a client's value into an
 *   identity header after the strip (martian-identity.ts).
 */
import { diagnosticAt } from '../../diagnostics/make.js';
import { endpoints as endpointRefs, obj, str, strs } from '../../config/view.js';
import { joinPointer } from '../../load/json-pointer.js';
import { credentialPolicyMessage, statesCredentialPolicy } from '../../../runtime/auth/iam/credential-policy.js';
import { isIdentityHeader } from '../../../runtime/shared/headers/ingress-strip.js';
import { resolveEdge } from '../../plan/profile.js';
import { martianIdentityCopies } from './martian-identity.js';
import type { GatewayRule, LintContext } from '../context.js';

export const profileRule: GatewayRule = (ctx) => {
  const refs = endpointRefs(ctx.config);
  const extras = refs.map((ref) => obj(ref.value.extra_config));
  const edge = resolveEdge(ctx.profile.name, obj(ctx.config.extra_config), extras);
  if (edge?.requireIdentity === 'policy') credentialPolicy(ctx, refs, extras);
  if (ctx.profile.name === 'hanzo') corsNotWired(ctx, refs);
  if (!edge?.strip) forgeableIdentity(ctx, refs, extras);
  for (const ref of refs) martianIdentityCopies(ctx, ref, edge?.strip === true);
};

function credentialPolicy(ctx: LintContext, refs: ReturnType<typeof endpointRefs>, extras: Record<string, unknown>[]): void {
  const missing = refs.filter((_, i) => !statesCredentialPolicy(extras[i]!));
  const message = credentialPolicyMessage(missing.length, refs.length);
  for (const ref of missing) {
    const at = 'endpoint' in ref.value ? joinPointer(ref.pointer, 'endpoint') : ref.pointer;
    ctx.report(diagnosticAt(ctx.doc, 'credential-policy-missing', at, message, {
      hint: `Add "auth/public": true (anyone) or false (a verified IAM identity) to the extra_config of ${str(ref.value.method) ?? 'GET'} ${str(ref.value.endpoint) ?? ''}.`,
    }));
  }
}

function corsNotWired(ctx: LintContext, refs: ReturnType<typeof endpointRefs>): void {
  const blocks = [
    { pointer: '', extra: obj(ctx.config.extra_config) },
    ...refs.map((ref) => ({ pointer: ref.pointer, extra: obj(ref.value.extra_config) })),
  ];
  for (const { pointer, extra } of blocks) {
    if (!('security/cors' in extra)) continue;
    ctx.report(diagnosticAt(ctx.doc, 'cors-not-wired', joinPointer(joinPointer(pointer, 'extra_config'), 'security/cors'),
      `security/cors is not wired under the ${ctx.profile.name} profile: the Hanzo engine answers CORS with its own policy (GATEWAY_CORS_ORIGINS and the Hanzo domains)`, {
        hint: 'Remove it, or build with --profile krakend (or "github.com/hanzoai/gateway/profile": "krakend") to keep KrakenD\'s CORS.',
      }));
  }
}

function forgeableIdentity(ctx: LintContext, refs: ReturnType<typeof endpointRefs>, extras: Record<string, unknown>[]): void {
  refs.forEach((ref, i) => {
    const written = propagatedHeaders(extras[i]!);
    const headers = strs(ref.value.input_headers);
    headers.forEach((name, h) => {
      const lower = name.toLowerCase();
      const forged = lower === '*' || (isIdentityHeader(lower) && !written.has(lower));
      if (!forged) return;
      const what = lower === '*' ? 'forwards every client header, identity headers included' : `forwards the client's ${name} header`;
      ctx.report(diagnosticAt(ctx.doc, 'identity-header-forgeable', joinPointer(joinPointer(ref.pointer, 'input_headers'), h),
        `${str(ref.value.method) ?? 'GET'} ${str(ref.value.endpoint) ?? ''} ${what}, and nothing in this gateway strips or writes it: a client can claim any identity`, {
          on: 'value',
          hint: 'Serve it under the hanzo profile (the default: identity headers are stripped and minted from verified IAM tokens), add "github.com/hanzoai/gateway/edge": {} to the service, or take the header out of input_headers.',
        }));
    });
  });
}

/** Headers an endpoint's auth/validator writes from claims (lower case): the validator is their authority. */
function propagatedHeaders(extra: Record<string, unknown>): Set<string> {
  const out = new Set<string>();
  const validator = obj(extra['auth/validator']);
  const pairs = Array.isArray(validator.propagate_claims) ? validator.propagate_claims : [];
  for (const pair of pairs) {
    if (Array.isArray(pair) && typeof pair[1] === 'string') out.add(pair[1].toLowerCase());
  }
  return out;
}
