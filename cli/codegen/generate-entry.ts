import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { IndentationText, Project, QuoteKind, SyntaxKind, VariableDeclarationKind, type OptionalKind, type VariableStatementStructure } from 'ts-morph';
import type { Plan } from '../../runtime/plan/plan.js';
import type { BuildInfo } from '../../runtime/core/start.js';
import type { RuntimeExport } from './runtime-modules.js';
import { EXPORTS } from '../plan/module-registry.js';
import { planWiring, type WiredExport } from './plan-wiring.js';
import type { PluginFile } from './plugin-files.js';
import { SharedSettings } from './shared-settings.js';

/**
 * Plan → entry.ts: the wiring spec (plan-wiring.ts) printed into the template
 * from templates/, the Plan written in as frozen literals and imports of
 * exactly the runtime exports the spec names. Deterministic: the output
 * depends only on the Plan and the options.
 */
export interface CodegenOptions {
  hgwVersion: string;
  brand: { name: string; version: string };
  hostMap: Record<string, string>;
  /** Plugin files to bundle (see plugin-files.ts). */
  pluginFiles?: PluginFile[];
}


export interface GeneratedEntry {
  text: string;
  /** Config features this version does not enforce (also in BUILD.unimplemented). */
  unimplemented: string[];
}

export function generateEntry(plan: Plan, templatesDir: string, options: CodegenOptions): GeneratedEntry {
  const spec = planWiring(plan, options.hgwVersion);
  const unimplemented = spec.unimplemented;
  const imports = new Map<string, Set<string>>();
  const use = (e: RuntimeExport): string => {
    const names = imports.get(e.from) ?? new Set<string>();
    names.add(e.name);
    imports.set(e.from, names);
    return e.name;
  };
  /** An export as code: its name, or a call with the entry's table. */
  const wired = (w: WiredExport): string => (w.with ? `${use(w.use)}(${w.with})` : use(w.use));

  const statements: OptionalKind<VariableStatementStructure>[] = [];
  const wiring: string[] = [];
  const shared = new SharedSettings(spec.endpoints.flatMap((ew) => [ew.plan.settings, ...ew.plan.backends.map((b) => b.settings)]));
  const settingsTable = shared.declaration();
  if (settingsTable) {
    statements.push({
      declarationKind: VariableDeclarationKind.Const,
      docs: ['Module settings several endpoints or backends share, parsed at build time; the Plans below refer to them.'],
      declarations: [{ name: 'SETTINGS', initializer: settingsTable }],
    });
  }
  for (const ew of spec.endpoints) {
    const ep = ew.plan;
    const name = `ep${ep.index}`;
    const handler = use(ew.handler);
    const upstreams = ew.backends.map(wired);
    statements.push({
      declarationKind: VariableDeclarationKind.Const,
      docs: [ew.notes.map(commentSafe).join('\n')],
      declarations: [{ name, initializer: `frozen<EndpointPlan>(${shared.literal(ep)})` }],
    });
    const middleware = ew.middleware.map(use);
    const backendStageLists = ew.stages.map((list) => list.map(wired));
    const wrappers = ew.wrappers.map(use);
    const perBackendWrappers = ew.backendWrappers.map((list) => list.map(use));
    const extras = [
      middleware.length > 0 ? `middleware: [${middleware.join(', ')}]` : '',
      wrappers.length > 0 ? `wrappers: [${wrappers.join(', ')}]` : '',
      perBackendWrappers.some((w) => w.length > 0) ? `backendWrappers: [${perBackendWrappers.map((w) => `[${w.join(', ')}]`).join(', ')}]` : '',
      backendStageLists.some((st) => st.length > 0) ? `stages: [${backendStageLists.map((st) => `[${st.join(', ')}]`).join(', ')}]` : '',
      ew.finisher ? `finisher: ${use(ew.finisher)}` : '',
    ].filter(Boolean);
    wiring.push(`{ plan: ${name}, handler: ${handler}, backends: [${upstreams.join(', ')}]${extras.map((e) => `, ${e}`).join('')} }`);
  }

  const routerChain = spec.router.map(wired);
  const pluginFiles = options.pluginFiles ?? [];
  const pluginList = pluginFiles.length === 0 ? '[]' : `${use(EXPORTS.bundledPlugins)}([${pluginFiles.map((_, i) => `[plugin${i}, ${JSON.stringify(basename(pluginFiles[i]!.file))}]`).join(', ')}])`;
  const listeners = spec.listeners.map(use);
  const sinks = spec.logSinks.map(use);
  const codecTable = spec.codecs.length === 0 ? '{}' : `{ ${spec.codecs.map(([name, c]) => `${JSON.stringify(name)}: ${use(c)}`).join(', ')} }`;

  const build: BuildInfo = {
    hgwVersion: options.hgwVersion,
    brand: options.brand,
    configFile: basename(plan.source.file),
    configSha256: plan.source.sha256,
    hostMap: sortedRecord(options.hostMap),
    unimplemented,
    ...(plan.ingress ? { ingressHosts: plan.ingress.hosts.length } : {}),
  };

  const project = new Project({
    useInMemoryFileSystem: true,
    skipLoadingLibFiles: true,
    skipFileDependencyResolution: true,
    manipulationSettings: { indentationText: IndentationText.TwoSpaces, quoteKind: QuoteKind.Single },
  });
  const file = project.createSourceFile('entry.ts', readFileSync(join(templatesDir, 'entry.ts'), 'utf8'));
  placeholder(file.getVariableDeclarationOrThrow('BUILD'), JSON.stringify(build, null, 2));
  placeholder(file.getVariableDeclarationOrThrow('SERVICE'), JSON.stringify(spec.service, null, 2));
  const lastImport = file.getImportDeclarations().length;
  file.insertImportDeclarations(
    lastImport,
    [...imports.keys()].sort().map((from) => ({ moduleSpecifier: from, namedImports: [...imports.get(from)!].sort() })),
  );
  file.getVariableDeclarationOrThrow('CODECS').setInitializer(codecTable);
  file.getVariableDeclarationOrThrow('PLUGINS').setInitializer(pluginList);
  if (pluginFiles.length > 0) {
    file.insertImportDeclarations(
      file.getImportDeclarations().length,
      pluginFiles.map((p, i) => ({ moduleSpecifier: p.file, namespaceImport: `plugin${i}` })),
    );
  }
  if (plan.routes) {
    const routes = plan.routes;
    file.insertVariableStatement(file.getVariableStatementOrThrow('MIDDLEWARE').getChildIndex(), {
      declarationKind: VariableDeclarationKind.Const,
      docs: [commentSafe(`Host routing from ${basename(plan.source.routesFile ?? 'routes.yaml')}: ${routes.hosts.length} host(s), ${routes.redirects.length} redirect(s), ${routes.subdomains.length} subdomain pattern(s); prefixes longest first.`)],
      declarations: [{ name: 'ROUTES', initializer: `frozen<RoutesPlan>(${JSON.stringify(routes, null, 2)})` }],
    });
    file.getImportDeclarationOrThrow('@hgw/runtime/plan/plan.js').addNamedImport('RoutesPlan');
  }
  if (plan.ingress) {
    const ingress = plan.ingress;
    file.insertVariableStatement(file.getVariableStatementOrThrow('MIDDLEWARE').getChildIndex(), {
      declarationKind: VariableDeclarationKind.Const,
      docs: [commentSafe(`The ingress from ${basename(plan.source.file)}: ${ingress.hosts.length} host(s), ${ingress.hosts.filter((h) => h.auth).length} behind IAM; health at ${ingress.healthPath}.`)],
      declarations: [{ name: 'INGRESS', initializer: `frozen<IngressPlan>(${JSON.stringify(ingress, null, 2)})` }],
    });
    file.getImportDeclarationOrThrow('@hgw/runtime/plan/plan.js').addNamedImport('IngressPlan');
  }
  file.getVariableDeclarationOrThrow('MIDDLEWARE').setInitializer(`[${routerChain.join(', ')}]`);
  file.getVariableDeclarationOrThrow('LISTENERS').setInitializer(`[${listeners.join(', ')}]`);
  file.getVariableDeclarationOrThrow('LOG_SINKS').setInitializer(`[${sinks.join(', ')}]`);
  const endpointsDecl = file.getVariableStatementOrThrow('ENDPOINTS');
  file.insertVariableStatements(endpointsDecl.getChildIndex(), statements);
  file
    .getVariableDeclarationOrThrow('ENDPOINTS')
    .setInitializer(wiring.length === 0 ? '[]' : `[\n  ${wiring.join(',\n  ')},\n]`);
  file.insertStatements(0, `// ${commentSafe(`${basename(plan.source.file)} sha256 ${plan.source.sha256}`)}`);
  // One formatting pass so the spliced literals read like hand-written code.
  file.formatText({ indentSize: 2, tabSize: 2, convertTabsToSpaces: true });
  return { text: file.getFullText(), unimplemented };
}

function placeholder(decl: import('ts-morph').VariableDeclaration, literal: string): void {
  const call = decl.getInitializerIfKindOrThrow(SyntaxKind.CallExpression);
  const arg = call.getArguments()[0];
  if (!arg) throw new Error(`template: ${decl.getName()} has no placeholder argument`);
  arg.replaceWithText(literal);
}

function commentSafe(s: string): string {
  return s.replace(/\*\//g, '*\\/');
}

function sortedRecord(r: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(r).sort().map((k) => [k, r[k]!]));
}
