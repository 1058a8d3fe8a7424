/**
 * Each module's settings as its parser reads them when the Plan is built
 * (plan/module-settings.ts): what the parser finds wrong is reported here, at
 * its position, with the parser's fix. Errors are settings the runtime would
 * refuse to start with; warnings, values it would ignore.
 */
import { diagnosticAt } from '../../diagnostics/make.js';
import { backends as backendRefs, endpoints as endpointRefs, obj } from '../../config/view.js';
import { joinPointer } from '../../load/json-pointer.js';
import type { ConfigLevel } from '../../plan/module-registry.js';
import { parseNamespaces } from '../../plan/module-settings.js';
import type { GatewayRule, LintContext } from '../context.js';

export const moduleSettingsRule: GatewayRule = (ctx) => {
  report(ctx, 'service', '', obj(ctx.config.extra_config));
  for (const ep of endpointRefs(ctx.config)) {
    report(ctx, 'endpoint', ep.pointer, obj(ep.value.extra_config));
    for (const be of backendRefs(ep)) report(ctx, 'backend', be.pointer, obj(be.value.extra_config));
  }
};

function report(ctx: LintContext, level: ConfigLevel, at: string, extra: Record<string, unknown>): void {
  for (const ns of parseNamespaces(level, extra)) {
    const base = joinPointer(joinPointer(at, 'extra_config'), ns.key);
    for (const p of ns.problems) {
      ctx.report(diagnosticAt(ctx.doc, 'module-settings', `${base}${p.pointer}`, `${ns.key}: ${p.message}`, { hint: p.fix, severity: p.severity }));
    }
  }
}
