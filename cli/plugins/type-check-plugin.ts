import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Project, ts } from 'ts-morph';
import type { PluginExportName } from '../../runtime/plugins/registrations.js';

/**
 * `hgw test-plugin`'s type check: the module's export must be assignable
 * to hgw's `PluginModule`. For each plugin an in-memory file
 *
 *   import plugin from './the-plugin.ts';
 *   import type { PluginModule } from '@hgw/runtime/plugins/plugin-api.js';
 *   const _check: PluginModule = plugin;
 *
 * is added to one ts-morph project (strict, bundler resolution,
 * `@hgw/runtime/*` mapped to hgw's runtime/, Node's types from hgw's
 * node_modules), and the errors of that file and of the plugin file itself
 * are reported. TypeScript plugins are always checked; a JavaScript plugin
 * only when it opts in with `// @ts-check`, as TypeScript itself does (an
 * unannotated JS literal infers `kind: string`, so the check would only
 * produce noise).
 */
export class PluginTypeChecker {
  private project: Project | undefined;
  private seq = 0;

  constructor(private readonly packageRoot: string) {}

  /** Whether the file is one this check looks at. */
  static applies(file: string): boolean {
    if (/\.(ts|mts|cts)$/.test(file)) return !file.endsWith('.d.ts');
    if (!/\.(js|mjs|cjs)$/.test(file)) return false;
    try {
      return hasTsCheck(readFileSync(file, 'utf8'));
    } catch {
      return false;
    }
  }

  /** The first type error, as `file:line:col: TSnnnn: message` (one line), or undefined. */
  check(file: string, display: string, exportName: PluginExportName): string | undefined {
    const project = (this.project ??= this.newProject());
    const plugin = project.addSourceFileAtPath(file);
    // Re-read a file checked before in this run (and its edits, were there any).
    void plugin.refreshFromFileSystemSync();
    const checkPath = join(dirname(file), `__hgw_test_plugin_check_${++this.seq}.ts`);
    const specifier = `./${basename(file)}`;
    const importLine = exportName === 'default' ? `import plugin from ${JSON.stringify(specifier)};` : `import { plugin } from ${JSON.stringify(specifier)};`;
    const checkFile = project.createSourceFile(
      checkPath,
      `${importLine}\nimport type { PluginModule } from '@hgw/runtime/plugins/plugin-api.js';\nconst _check: PluginModule = plugin;\nvoid _check;\n`,
      { overwrite: true },
    );
    try {
      const program = project.getProgram().compilerObject;
      for (const sf of [plugin, checkFile]) {
        const node = program.getSourceFile(sf.getFilePath());
        if (!node) continue;
        const diagnostics = [...program.getSyntacticDiagnostics(node), ...program.getSemanticDiagnostics(node)].filter((d) => d.category === ts.DiagnosticCategory.Error);
        const first = diagnostics[0];
        if (first) return describe(first, sf === plugin ? display : undefined, display);
      }
      return undefined;
    } finally {
      project.removeSourceFile(checkFile);
    }
  }

  private newProject(): Project {
    const root = this.packageRoot;
    return new Project({
      skipAddingFilesFromTsConfig: true,
      compilerOptions: {
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.ESNext,
        moduleResolution: ts.ModuleResolutionKind.Bundler,
        strict: true,
        noEmit: true,
        allowJs: true,
        checkJs: false,
        allowImportingTsExtensions: true,
        resolveJsonModule: true,
        esModuleInterop: true,
        skipLibCheck: true,
        lib: ['lib.es2023.d.ts'],
        types: ['node'],
        typeRoots: [join(root, 'node_modules', '@types')],
        paths: { '@hgw/runtime/*': [join(root, 'runtime', '*')] },
      },
    });
  }
}

/**
 * TypeScript's own rule: a `// @ts-check` line comment among the comments
 * before the first statement (a block comment does not count).
 */
export function hasTsCheck(text: string): boolean {
  let rest = text.replace(/^#![^\n]*\n/, '');
  for (;;) {
    rest = rest.replace(/^\s+/, '');
    const line = /^\/\/[^\n]*/.exec(rest);
    const block = line ? undefined : /^\/\*[\s\S]*?\*\//.exec(rest);
    if (line && /^\/\/\/?\s*@ts-check\b/.test(line[0])) return true;
    const comment = line?.[0] ?? block?.[0];
    if (comment === undefined) return false;
    rest = rest.slice(comment.length);
  }
}

/**
 * One line for a diagnostic. An error in the plugin file keeps its
 * position. The generated check file's error is an assignment whose
 * first message names whole object types; the chain's deepest message says
 * what is wrong, and the properties along the chain say where.
 */
function describe(d: ts.Diagnostic, positionFile: string | undefined, display: string): string {
  let where = `${display}: `;
  if (positionFile !== undefined && d.file && d.start !== undefined) {
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    where = `${positionFile}:${line + 1}:${character + 1}: `;
  }
  return `${where}TS${d.code}: ${oneLine(positionFile === undefined ? chainSummary(d.messageText) : flatten(d.messageText))}`;
}

function flatten(text: string | ts.DiagnosticMessageChain): string {
  return ts.flattenDiagnosticMessageText(text, ' ');
}

function chainSummary(text: string | ts.DiagnosticMessageChain): string {
  if (typeof text === 'string') return text;
  const path: string[] = [];
  let node: ts.DiagnosticMessageChain = text;
  for (;;) {
    const m = node.messageText;
    const member = /^The types of '([^']+)' are incompatible between these types\.$/.exec(m) ?? /^Types of property '([^']+)' are incompatible\.$/.exec(m);
    const param = /^Types of parameters '[^']+' and '([^']+)' are incompatible\.$/.exec(m);
    if (member) path.push(member[1]!);
    else if (param) path.push(`parameter ${param[1]!}`);
    const next = node.next?.[0];
    if (!next) break;
    node = next;
  }
  const leaf = node.messageText;
  // An unannotated literal widens `kind: 'server'` to string.
  const hint = path[path.length - 1] === 'kind' && leaf.startsWith("Type 'string'") ? " (annotate the export, e.g. `satisfies ServerPlugin` or a JSDoc @type, so that kind keeps its literal type)" : '';
  return `${path.length > 0 ? `${path.join(' → ')}: ` : ''}${leaf}${hint}`;
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}

