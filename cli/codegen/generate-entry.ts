import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { IndentationText, Project, QuoteKind, SyntaxKind, VariableDeclarationKind, type OptionalKind, type VariableStatementStructure } from 'ts-morph';
import type { Plan } from '../../runtime/plan/plan.js';
import type { BuildInfo } from '../../runtime/core/start.js';
import { backendStages, backendUpstream, backendWrappers, CODECS, endpointWrappers, endpointFinisher, endpointHandler, endpointMiddleware, extraListeners, HOST_ROUTING, IMPLEMENTED, ingressMiddlewareExport, REQUIRED, routerMiddleware, type RuntimeExport } from './runtime-modules.js';
import { HgwError } from '../errors.js';
import { stageModules } from '../plan/modules.js';
import type { PluginFile } from './plugin-files.js';

/**
 * Plan → entry.ts: the template from templates/ with the Plan written in as
 * frozen literals and imports of exactly the runtime exports the endpoints
 * use. Deterministic: the output depends only on the Plan and the options.
 */
export interface CodegenOptions {
  hgwVersion: string;
  brand: { name: string; version: string };
  hostMap: Record<string, string>;
  /** Plugin files to bundle (see plugin-files.ts). */
  pluginFiles?: PluginFile[];
}

const PLUGIN_EXPORTS = {
  bundled: { from: '@hgw/runtime/plugins/bundled-plugins.js', name: 'bundledPlugins' },
  server: { from: '@hgw/runtime/plugins/server-plugin-middleware.js', name: 'serverPluginMiddlewareFactory' },
  client: { from: '@hgw/runtime/plugins/client-plugin-upstream.js', name: 'clientPluginUpstream' },
  modifier: { from: '@hgw/runtime/plugins/modifier-stage.js', name: 'modifierStage' },
} as const;

export interface GeneratedEntry {
  text: string;
  /** Config features this version does not enforce (also in BUILD.unimplemented). */
  unimplemented: string[];
}

export function generateEntry(plan: Plan, templatesDir: string, options: CodegenOptions): GeneratedEntry {
  const missing = plan.modules.filter((m) => REQUIRED.has(m));
  if (missing.length > 0) {
    throw new HgwError('HGW_UNSUPPORTED', missing.map((m) => `${m} is not available in hgw ${options.hgwVersion}: ${REQUIRED.get(m)}`).join('\n'));
  }
  const codecModules = new Set(Object.values(CODECS).map((c) => c.module));
  const unimplemented = plan.modules.filter((m) => !IMPLEMENTED.has(m) && !codecModules.has(m));
  const imports = new Map<string, Set<string>>();
  const use = (e: RuntimeExport): string => {
    const names = imports.get(e.from) ?? new Set<string>();
    names.add(e.name);
    imports.set(e.from, names);
    return e.name;
  };

  const statements: OptionalKind<VariableStatementStructure>[] = [];
  const wiring: string[] = [];
  for (const original of plan.endpoints) {
    const ep = withEndpointModifiers(original);
    const name = `ep${ep.index}`;
    const handler = use(endpointHandler(ep));
    const lines = [`${ep.method} ${ep.endpoint} → ${handler} (${ep.outputEncoding}), timeout ${ep.timeoutMs} ms`];
    const upstreams = ep.backends.map((be) => {
      if (be.extraConfig['plugin/http-client'] !== undefined) {
        lines.push(`backend ${be.index}: ${be.method} ${be.urlPattern} answered by client plugin ${JSON.stringify((be.extraConfig['plugin/http-client'] as { name?: unknown }).name)}`);
        return `${use(PLUGIN_EXPORTS.client)}(PLUGINS)`;
      }
      const chosen = backendUpstream(be);
      lines.push(`backend ${be.index}: ${be.method} ${be.hosts.join(' | ') || '(no host)'}${be.urlPattern} via ${chosen.use.name}${chosen.note ? ` — ${chosen.note}` : ''}`);
      return use(chosen.use);
    });
    const stages = stageModules(plan.service, ep).map((id) => (IMPLEMENTED.has(id) ? id : `${id} (not enforced yet)`));
    lines.splice(1, 0, `stages: ${stages.length > 0 ? stages.join(' → ') : 'none'}`);
    lines.push(`${basename(plan.source.file)}:${ep.source.line}:${ep.source.column}`);
    statements.push({
      declarationKind: VariableDeclarationKind.Const,
      docs: [lines.map(commentSafe).join('\n')],
      declarations: [{ name, initializer: `frozen<EndpointPlan>(${JSON.stringify(ep, null, 2)})` }],
    });
    const middleware = endpointMiddleware(ep, plan.service).map(use);
    const finisher = endpointFinisher(ep);
    const backendStageLists = ep.backends.map((be) => [
      ...(be.extraConfig['plugin/req-resp-modifier'] !== undefined ? [`${use(PLUGIN_EXPORTS.modifier)}(PLUGINS)`] : []),
      ...backendStages(be).map(use),
    ]);
    const wrappers = endpointWrappers(ep, plan.service).map(use);
    const perBackendWrappers = ep.backends.map((be) => backendWrappers(ep, be, plan.service).map(use));
    const extras = [
      middleware.length > 0 ? `middleware: [${middleware.join(', ')}]` : '',
      wrappers.length > 0 ? `wrappers: [${wrappers.join(', ')}]` : '',
      perBackendWrappers.some((w) => w.length > 0) ? `backendWrappers: [${perBackendWrappers.map((w) => `[${w.join(', ')}]`).join(', ')}]` : '',
      backendStageLists.some((st) => st.length > 0) ? `stages: [${backendStageLists.map((st) => `[${st.join(', ')}]`).join(', ')}]` : '',
      finisher ? `finisher: ${use(finisher)}` : '',
    ].filter(Boolean);
    wiring.push(`{ plan: ${name}, handler: ${handler}, backends: [${upstreams.join(', ')}]${extras.map((e) => `, ${e}`).join('')} }`);
  }

  const codecs = Object.entries(CODECS).filter(([, c]) => plan.modules.includes(c.module));
  const routerChain = [
    ...(plan.service.extraConfig['plugin/http-server'] !== undefined ? [`${use(PLUGIN_EXPORTS.server)}(PLUGINS)`] : []),
    ...routerMiddleware(plan.service).map(use),
    // Host routing comes last: it is the routing step of the edge chain.
    ...(plan.routes ? [`${use(HOST_ROUTING)}(ROUTES)`] : []),
    ...(plan.ingress ? [`${use(ingressMiddlewareExport(plan.ingress.hosts.some((h) => h.auth)))}(INGRESS)`] : []),
  ];
  const pluginFiles = options.pluginFiles ?? [];
  const pluginList = pluginFiles.length === 0 ? '[]' : `${use(PLUGIN_EXPORTS.bundled)}([${pluginFiles.map((_, i) => `[plugin${i}, ${JSON.stringify(basename(pluginFiles[i]!.file))}]`).join(', ')}])`;
  const listeners = extraListeners(plan.service).map(use);
  const codecTable = codecs.length === 0 ? '{}' : `{ ${codecs.map(([name, c]) => `${JSON.stringify(name)}: ${use(c.use)}`).join(', ')} }`;

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
  placeholder(file.getVariableDeclarationOrThrow('SERVICE'), JSON.stringify(plan.service, null, 2));
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

/**
 * Endpoint-level `plugin/req-resp-modifier`: KrakenD runs it around the whole
 * proxy (the merged response). With one backend that is the same as running
 * it around that backend, which is what hgw links; with several it is refused
 * rather than run with different semantics.
 */
function withEndpointModifiers(ep: Plan['endpoints'][number]): Plan['endpoints'][number] {
  const modifier = ep.extraConfig['plugin/req-resp-modifier'];
  if (modifier === undefined) return ep;
  if (ep.backends.length !== 1) {
    throw new HgwError('HGW_UNSUPPORTED', `${ep.method} ${ep.endpoint}: an endpoint-level plugin/req-resp-modifier needs exactly one backend in hgw (put it on the backends instead)`);
  }
  const backend = ep.backends[0]!;
  if (backend.extraConfig['plugin/req-resp-modifier'] !== undefined) return ep;
  return { ...ep, backends: [{ ...backend, extraConfig: { ...backend.extraConfig, 'plugin/req-resp-modifier': modifier } }] };
}
