/**
 * The table of contents of hgw:
 *   load (text → value + source map) → validate (schemas/) → lint (semantic rules) → plan (defaults, ms, modules)
 *   → codegen (Plan → entry.ts) → bundle (entry.ts → gateway.mjs + map + manifest).
 * `hgw check` stops after lint (or plan with -d); `hgw build` and `hgw run` go to the end.
 */
import type { Plan, ProfileName } from '../runtime/plan/plan.js';
import { compareDiagnostics, type Diagnostic } from './diagnostics/diagnostic.js';
import { isRuleId, ruleInfo } from './diagnostics/rules.js';
import { loadFile } from './load/load-file.js';
import { loadFlexibleConfig } from './load/flexible-config/load.js';
import type { FlexibleConfigOptions } from './load/flexible-config/options.js';
import { STDIN_NAME } from './load/stdin.js';
import type { LoadedDocument } from './load/document.js';
import { lintGateway, lintIngressFile, lintRoutesFile } from './lint/lint.js';
import { buildPlan } from './plan/build-plan.js';
import { validateDocument } from './validate/validate.js';
import type { CodegenOptions, GeneratedEntry } from './codegen/generate-entry.js';
import type { Manifest } from './bundle/manifest.js';
import { packageRoot } from './validate/schemas.js';
import { join, basename, dirname } from 'node:path';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { withLuaSources } from './codegen/lua-sources.js';
import { buildIngressPlan } from './plan/ingress-plan.js';

export interface CheckInputs {
  gateway?: string;
  routes?: string;
  ingress?: string;
  /** `--profile`: wins over the config's own profile key. */
  profile?: ProfileName;
  /** KrakenD's Flexible Configuration (FC_* / --fc-*): the gateway file is a Go template, rendered before it is read. */
  flexibleConfig?: FlexibleConfigOptions;
}

export interface CheckResult {
  diagnostics: Diagnostic[];
  /** file → text, for code frames. */
  texts: Map<string, string>;
  /** Some input could not be read or parsed at all (exit 2). */
  fatal: boolean;
  docs: { gateway?: LoadedDocument; routes?: LoadedDocument; ingress?: LoadedDocument };
  profile?: ProfileName;
}

export function checkFiles(inputs: CheckInputs): CheckResult {
  const result: CheckResult = { diagnostics: [], texts: new Map(), fatal: false, docs: {}, profile: inputs.profile };
  const stage = (file: string, schema: 'gateway' | 'routes' | 'ingress', lint: (doc: LoadedDocument) => Diagnostic[]) => {
    // Under Flexible Configuration the findings on the rendered text are placed back in the template files.
    const fc = schema === 'gateway' && inputs.flexibleConfig ? loadFlexibleConfig(file, inputs.flexibleConfig) : undefined;
    const loaded = fc ? fc.loaded : loadFile(file);
    const name = file === '-' ? STDIN_NAME : file;
    if (!loaded.ok) {
      if (loaded.text !== undefined) result.texts.set(name, loaded.text);
      fc?.texts.forEach((text, f) => result.texts.set(f, text));
      result.diagnostics.push(...loaded.diagnostics);
      if (loaded.diagnostics.some((d) => isRuleId(d.ruleId) && ruleInfo(d.ruleId).fatal)) result.fatal = true;
      return undefined;
    }
    const doc = loaded.doc;
    result.texts.set(name, doc.text);
    fc?.texts.forEach((text, f) => result.texts.set(f, text));
    const found = [...validateDocument(doc, schema), ...lint(doc)];
    result.diagnostics.push(...(fc ? fc.placeAll(found) : found));
    return doc;
  };
  if (inputs.gateway) result.docs.gateway = stage(inputs.gateway, 'gateway', (doc) => lintGateway(doc, { profile: inputs.profile }));
  if (inputs.routes) result.docs.routes = stage(inputs.routes, 'routes', (doc) => collect((r) => lintRoutesFile(doc, r)));
  if (inputs.ingress) result.docs.ingress = stage(inputs.ingress, 'ingress', (doc) => collect((r) => lintIngressFile(doc, r)));
  result.diagnostics.sort(compareDiagnostics);
  return result;
}

function collect(run: (report: (d: Diagnostic) => void) => void): Diagnostic[] {
  const out: Diagnostic[] = [];
  run((d) => out.push(d));
  return out;
}

/** The Plan of a checked gateway (and routes) document, or of an ingress alone; call only when check found no errors. */
export function planFrom(result: CheckResult): Plan | undefined {
  if (result.docs.ingress && !result.docs.gateway) return buildIngressPlan(result.docs.ingress);
  if (!result.docs.gateway) return undefined;
  return buildPlan({ gateway: result.docs.gateway, ...(result.docs.routes ? { routes: result.docs.routes } : {}), profile: result.profile });
}

export interface BuildOptions extends CodegenOptions {
  minify: boolean;
  /** Called as each stage starts, for progress on long builds. */
  progress?: (stage: string) => void;
}

export interface BuiltGateway {
  /** Output file name → contents: gateway.mjs, its map and legal notices, entry.ts, manifest.json. */
  files: Map<string, Uint8Array | string>;
  manifest: Manifest;
  entry: GeneratedEntry;
  plan: Plan;
}

/** Plan → files of a build, in memory; the caller decides where they go. Call only for a config without errors. */
export async function buildFromPlan(checked: Plan, options: BuildOptions): Promise<BuiltGateway> {
  // Loaded here, not at the top: ts-morph and esbuild cost `hgw check` most of its start-up.
  const [{ generateEntry }, { bundleEntry }, { namedPluginFiles }, { buildManifest }] = await Promise.all([
    import('./codegen/generate-entry.js'),
    import('./bundle/bundle-entry.js'),
    import('./codegen/plugin-files.js'),
    import('./bundle/manifest.js'),
  ]);
  const root = packageRoot();
  const plan = withLuaSources(checked, [process.cwd(), dirname(checked.source.file)]);
  const pluginFiles = await namedPluginFiles(plan, root);
  options.progress?.(`generating entry.ts for ${plan.endpoints.length} endpoint(s)`);
  const entry = generateEntry(plan, join(root, 'templates'), { ...options, pluginFiles });
  options.progress?.(`bundling ${(entry.text.length / 1024).toFixed(0)} KB of entry.ts with esbuild`);
  const bundle = await bundleEntry(entry.text, root, { minify: options.minify });
  // Lua runs on wasmoon's WebAssembly build of the interpreter; the bundle loads it from beside itself.
  if (plan.modules.includes('modifier/lua') || plan.modules.includes('modifier/lua-router')) bundle.files.set('lua.wasm', readFileSync(createRequire(import.meta.url).resolve('wasmoon/dist/glue.wasm')));
  const manifest = buildManifest({
    plan,
    configFile: basename(plan.source.file),
    hgwVersion: options.hgwVersion,
    brand: options.brand,
    minify: options.minify,
    hostMap: options.hostMap,
    unimplemented: entry.unimplemented,
    metafile: bundle.metafile,
    packageRoot: root,
    files: bundle.files,
  });
  const files = new Map<string, Uint8Array | string>(bundle.files);
  files.set('entry.ts', entry.text);
  files.set('manifest.json', `${JSON.stringify(manifest, null, 2)}\n`);
  return { files, manifest, entry, plan };
}
