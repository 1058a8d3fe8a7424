/**
 * Which gateway a config builds: the Go Hanzo gateway's shipping engine
 * (`hanzo`, the default) or plain KrakenD CE / Lura (`krakend`), and what the
 * Hanzo edge chain runs under that choice. The `--profile` flag wins over the
 * config's `github.com/hanzoai/gateway/profile` key, which wins over the default.
 *
 * Under `hanzo` every part of the edge runs unless the edge namespace switches
 * it off, and client identity headers are stripped even then: a Hanzo config
 * served as it is must be as safe as under the Go gateway. Under `krakend` the
 * edge runs only when the config names `github.com/hanzoai/gateway/edge`, as
 * before profiles existed.
 */
import type { EdgePlan, ProfileName, ProfilePlan } from '../../runtime/plan/plan.js';
import { obj } from '../config/view.js';

export const PROFILE_NAMESPACE = 'github.com/hanzoai/gateway/profile';
export const EDGE_NAMESPACE = 'github.com/hanzoai/gateway/edge';
export const PROFILES: readonly ProfileName[] = ['hanzo', 'krakend'];
export const DEFAULT_PROFILE: ProfileName = 'hanzo';

export function isProfileName(value: unknown): value is ProfileName {
  return typeof value === 'string' && (PROFILES as readonly string[]).includes(value);
}

/** The profile of a config: the flag, else the service's profile key, else `fallback` (hanzo unless a caller says otherwise). */
export function resolveProfile(serviceExtra: Record<string, unknown>, flag?: ProfileName, fallback: ProfileName = DEFAULT_PROFILE): ProfilePlan {
  if (flag) return { name: flag, source: 'flag' };
  const configured = serviceExtra[PROFILE_NAMESPACE];
  if (isProfileName(configured)) return { name: configured, source: 'config' };
  return { name: fallback, source: 'default' };
}

/** The edge chain a service runs, or undefined when none of it does. */
export function resolveEdge(profile: ProfileName, serviceExtra: Record<string, unknown>, endpointExtras: readonly Record<string, unknown>[]): EdgePlan | undefined {
  const named = serviceExtra[EDGE_NAMESPACE];
  if (profile === 'krakend' && (named === undefined || named === null || typeof named !== 'object')) return undefined;
  const edge = obj(named);
  const on = (key: string) => edge[key] !== false;
  const hanzo = profile === 'hanzo';
  const iam = on('iam');
  const policyForm = endpointExtras.some((extra) => 'auth/public' in extra);
  // requireIdentity does not depend on the IAM gate being on: with it off nobody has a verified identity, so
  // every endpoint not `auth/public: true` refuses — what AUTH_ENABLED=false does at run time.
  let requireIdentity: EdgePlan['requireIdentity'] = 'off';
  if (edge.require_identity === true) requireIdentity = policyForm ? 'policy' : 'all';
  // Unset: the credential-policy form turns it on; otherwise the hanzo profile leaves it to auth/validator
  // (the production config's older form), and an explicit edge namespace with the gate on keeps its earlier meaning (every endpoint).
  else if (edge.require_identity === undefined) requireIdentity = policyForm ? 'policy' : hanzo || !iam ? 'off' : 'all';
  return {
    productionHeaders: hanzo,
    cors: on('cors'),
    iam,
    // requireIdentity reads X-User-Id: whenever it runs, client lines of that name must be gone first.
    strip: iam || hanzo || requireIdentity !== 'off',
    widgetGate: on('widget_gate'),
    requireIdentity,
    cloudApiHosts: true,
  };
}
