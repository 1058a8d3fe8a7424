import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { obj } from '../config/view.js';
import type { LoadedDocument } from '../load/document.js';
import type { GatewayRule } from './context.js';
import type { ProfileName } from '../../runtime/plan/plan.js';
import { resolveProfile } from '../plan/profile.js';
import { profileRule } from './rules/profile.js';
import { notEnforcedRule } from './rules/not-enforced.js';
import { moduleSettingsRule } from './rules/module-settings.js';
import { backendsRule } from './rules/backends.js';
import { celRule } from './rules/cel.js';
import { jsonSchemaRule } from './rules/json-schema.js';
import { martianRule } from './rules/martian.js';
import { regexpsRule } from './rules/regexps.js';
import { revokerRule } from './rules/revoker.js';
import { gelfRule } from './rules/gelf.js';
import { baseHaRule } from './rules/base-ha.js';
import { baseNetworkRule } from './rules/base-network.js';
import { endpointPathRule } from './rules/endpoint-path.js';
import { hostsRule } from './rules/hosts.js';
import { legacyKeysRule } from './rules/legacy-keys.js';
import { routeTableRule } from './rules/route-table.js';
import { serviceRule } from './rules/service.js';
import { trustedProxiesRule } from './rules/trusted-proxies.js';
import { tlsRule } from './rules/tls.js';
import { probePathsRule } from './rules/probe-paths.js';
import { timeoutsRule } from './rules/timeouts.js';
import { upstreamsRule } from './rules/upstreams.js';
import { urlParamsRule } from './rules/url-params.js';
import { zapRule } from './rules/zap.js';

export { lintRoutesFile } from './rules/routes-file.js';
export { lintIngressFile } from './rules/ingress-file.js';

/** Semantic rules for gateway.json, in the order a reader would fix them. */
const GATEWAY_RULES: readonly GatewayRule[] = [
  serviceRule,
  trustedProxiesRule,
  tlsRule,
  endpointPathRule,
  probePathsRule,
  backendsRule,
  urlParamsRule,
  hostsRule,
  routeTableRule,
  timeoutsRule,
  legacyKeysRule,
  baseHaRule,
  baseNetworkRule,
  zapRule,
  upstreamsRule,
  celRule,
  jsonSchemaRule,
  martianRule,
  regexpsRule,
  revokerRule,
  gelfRule,
  moduleSettingsRule,
  profileRule,
  notEnforcedRule,
];

export interface LintOptions {
  /** `--profile`; else the config's key; else `profileDefault` (hanzo). */
  profile?: ProfileName;
  profileDefault?: ProfileName;
}

export function lintGateway(doc: LoadedDocument, options: LintOptions = {}): Diagnostic[] {
  const out: Diagnostic[] = [];
  const config = obj(doc.value);
  const profile = resolveProfile(obj(config.extra_config), options.profile, options.profileDefault);
  const ctx = { doc, config, profile, report: (d: Diagnostic) => out.push(d) };
  for (const rule of GATEWAY_RULES) rule(ctx);
  return out;
}
