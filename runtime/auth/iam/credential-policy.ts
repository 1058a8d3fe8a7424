/**
 * The Go gateway's credential-policy boot check (`readPolicy/check`, spec A2
 * "Endpoint-level requirement"): once a config marks endpoints with
 * `"auth/public"`, every endpoint must say whether it needs an IAM identity —
 * with `auth/public` or another `auth/*` key — and a config that leaves it
 * unsaid on some is refused, with Go's words. A config with no endpoints passes.
 */
import type { EndpointPlan } from '../../plan/plan.js';

/** An endpoint states a policy when its extra_config (or its parsed settings) has a key beginning with `auth/`. */
export function statesCredentialPolicy(extraConfig: Record<string, unknown>): boolean {
  for (const key of Object.keys(extraConfig)) if (key.startsWith('auth/')) return true;
  return false;
}

/** Go's refusal text for `missing` of `total` endpoints without a policy. */
export function credentialPolicyMessage(missing: number, total: number): string {
  return `${missing} of ${total} endpoints state no credential policy: every route says whether it needs an IAM identity, with "auth/public" true or false, and this config leaves that unsaid on ${missing} of them. Classify them in the mounted config, then start`;
}

/**
 * The refusal for these endpoints, or undefined when every one states a
 * policy. A bundle's Plan carries parsed `auth/*` namespaces (the validator,
 * the signer) as settings only, so those count too.
 */
export function credentialPolicyProblem(endpoints: readonly Pick<EndpointPlan, 'extraConfig' | 'settings'>[]): string | undefined {
  const states = (ep: Pick<EndpointPlan, 'extraConfig' | 'settings'>) => statesCredentialPolicy(ep.extraConfig) || statesCredentialPolicy(ep.settings ?? {});
  const missing = endpoints.filter((ep) => !states(ep)).length;
  return missing === 0 ? undefined : credentialPolicyMessage(missing, endpoints.length);
}

/**
 * The boot check, for whichever first step of the gate is linked (the IAM gate,
 * or the identity strip when the gate is off): throws Go's refusal when the
 * config is in the credential-policy form and leaves an endpoint unclassified.
 */
export function refuseUnclassifiedEndpoints(service: { edge?: { requireIdentity: string } }, endpoints: readonly Pick<EndpointPlan, 'extraConfig' | 'settings'>[] | undefined): void {
  if (service.edge?.requireIdentity !== 'policy' || !endpoints) return;
  const problem = credentialPolicyProblem(endpoints);
  if (problem) throw new Error(problem);
}
