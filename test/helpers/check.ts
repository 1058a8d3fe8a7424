import type { Diagnostic } from '../../cli/diagnostics/diagnostic.js';
import { lintGateway, lintIngressFile, lintRoutesFile } from '../../cli/lint/lint.js';
import type { LoadedDocument } from '../../cli/load/document.js';
import { loadText } from '../../cli/load/load-file.js';
import { buildPlan } from '../../cli/plan/build-plan.js';
import { validateDocument } from '../../cli/validate/validate.js';
import type { Plan, ProfileName } from '../../runtime/plan/plan.js';

export function loadDoc(text: string, format: 'json' | 'yaml' = 'json', file = 'gateway.json'): LoadedDocument {
  const r = loadText(file, text, format);
  if (!r.ok) throw new Error(`fixture does not load: ${r.diagnostics.map((d) => d.message).join('; ')}`);
  return r.doc;
}

/** Schema + lint findings of a gateway config given as an object (serialised with 2-space indent), under the default profile unless told. */
export function checkGateway(config: unknown, profile?: ProfileName): Diagnostic[] {
  const doc = loadDoc(JSON.stringify(config, null, 2));
  return [...validateDocument(doc, 'gateway'), ...lintGateway(doc, { profile })];
}

export function checkRoutes(yaml: string): Diagnostic[] {
  const doc = loadDoc(yaml, 'yaml', 'routes.yaml');
  const out = validateDocument(doc, 'routes');
  lintRoutesFile(doc, (d) => out.push(d));
  return out;
}

export function checkIngress(config: unknown): Diagnostic[] {
  const doc = loadDoc(JSON.stringify(config, null, 2), 'json', 'ingress.json');
  const out = validateDocument(doc, 'ingress');
  lintIngressFile(doc, (d) => out.push(d));
  return out;
}

/**
 * The Plan of a config. Runtime tests exercise KrakenD modules one at a time,
 * so a config that names no profile plans as `krakend` here unless the test
 * asks for `hanzo` (the product's default, which the build and acceptance
 * tests run through the real CLI).
 */
export function planOf(config: unknown, routesYaml?: string, profile?: ProfileName): Plan {
  const gateway = loadDoc(JSON.stringify(config, null, 2));
  return buildPlan({ gateway, ...(routesYaml ? { routes: loadDoc(routesYaml, 'yaml', 'routes.yaml') } : {}), profile, profileDefault: 'krakend' });
}

export const ids = (ds: Diagnostic[]) => ds.map((d) => d.ruleId);

/** A minimal valid config to vary from. */
export function base(endpoints: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { version: 3, host: ['http://127.0.0.1:8081'], ...extra, endpoints };
}
