/**
 * Nothing a user configures is dropped in silence: a service setting no
 * runtime reads, a proxy `combiner`, and an `extra_config` namespace hgw has
 * no runtime for (KrakenD CE's messaging, Lambda, GraphQL…) are reported at
 * their position. The build links by the same classification (plan/modules),
 * so check and build always agree on what is not enforced.
 */
import { diagnosticAt } from '../../diagnostics/make.js';
import { backends as backendRefs, endpoints as endpointRefs, obj } from '../../config/view.js';
import { joinPointer } from '../../load/json-pointer.js';
import { CODECS } from '../../codegen/runtime-modules.js';
import { IMPLEMENTED } from '../../plan/module-registry.js';
import { namespaceModule, SETTINGS_NOT_ENFORCED, settingsNotEnforced, type ConfigLevel } from '../../plan/modules.js';
import { LEGACY_NAMESPACES } from '../../validate/known-exceptions.js';
import type { GatewayRule, LintContext } from '../context.js';
import { readSchema } from '../../validate/schemas.js';

/** Namespaces the schema knows at each level; one it does not know is reported as unknown (usually a typo) instead. */
let known: Record<ConfigLevel, Set<string>> | undefined;
function knownNamespaces(): Record<ConfigLevel, Set<string>> {
  if (known) return known;
  const defs = (readSchema('gateway') as { definitions: Record<string, { properties?: Record<string, unknown> }> }).definitions;
  const at = (name: string) => new Set(Object.keys(defs[name]?.properties ?? {}));
  known = { service: at('service_extra_config'), endpoint: at('endpoint_extra_config'), backend: at('backend_extra_config') };
  return known;
}

const CODEC_MODULES = new Set(Object.values(CODECS).map((c) => c.module));

export const notEnforcedRule: GatewayRule = (ctx) => {
  for (const key of settingsNotEnforced(ctx.config)) {
    ctx.report(diagnosticAt(ctx.doc, 'not-enforced', `/${key}`, `${key} is set but hgw does not enforce it (${SETTINGS_NOT_ENFORCED[key]}): the gateway runs as if it were absent`, {
      hint: 'Remove it, or keep it knowing the gateway runs as if it were absent.',
    }));
  }
  namespaces(ctx, 'service', '', obj(ctx.config.extra_config));
  for (const ep of endpointRefs(ctx.config)) {
    const extra = obj(ep.value.extra_config);
    namespaces(ctx, 'endpoint', ep.pointer, extra);
    if (typeof obj(extra.proxy).combiner === 'string') {
      ctx.report(diagnosticAt(ctx.doc, 'not-enforced', `${ep.pointer}/extra_config/proxy/combiner`, 'proxy combiner is not enforced by hgw: backends are merged with the default combiner', {
        hint: 'KrakenD combiners are Go plugins; use the default merge, or a plugin/req-resp-modifier.',
      }));
    }
    for (const be of backendRefs(ep)) namespaces(ctx, 'backend', be.pointer, obj(be.value.extra_config));
  }
};

function namespaces(ctx: LintContext, level: ConfigLevel, at: string, extra: Record<string, unknown>): void {
  for (const ns of Object.keys(extra)) {
    const name = LEGACY_NAMESPACES[ns] ?? ns;
    if (!knownNamespaces()[level].has(name)) continue;
    const id = namespaceModule(level, name);
    if (id === undefined || IMPLEMENTED.has(id) || CODEC_MODULES.has(id)) continue;
    ctx.report(diagnosticAt(ctx.doc, 'not-enforced', joinPointer(joinPointer(at, 'extra_config'), ns), `"${ns}" is not enforced by hgw: the gateway runs as if it were absent`, {
      hint: 'hgw has no runtime for this KrakenD module yet (hgw build names it too); remove it or keep it knowing it does nothing.',
    }));
  }
}
