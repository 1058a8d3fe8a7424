import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { ruleHelpUri, ruleInfo, isRuleId, RULE_REGISTRY } from '../diagnostics/rules.js';
import { codeFrame, type Paint } from './code-frame.js';
import { baseUri, pathFromBase } from './workspace.js';

export type OutputFormat = 'pretty' | 'compact' | 'json' | 'sarif' | 'github';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['pretty', 'compact', 'json', 'sarif', 'github'];

export interface ReportInput {
  diagnostics: Diagnostic[];
  /** file → text, for code frames. */
  texts: Map<string, string>;
  tool: { name: string; version: string };
  paint: Paint;
  /** The folder sarif and github paths are relative to (reportBase: GITHUB_WORKSPACE, else the current directory). */
  base: string;
}

export function summarize(diagnostics: Diagnostic[]): { errors: number; warnings: number; infos: number } {
  return {
    errors: diagnostics.filter((d) => d.severity === 'error').length,
    warnings: diagnostics.filter((d) => d.severity === 'warning').length,
    infos: diagnostics.filter((d) => d.severity === 'info').length,
  };
}

const loc = (d: { file: string; range: Diagnostic['range'] }) => `${d.file}:${d.range.start.line}:${d.range.start.column}`;

export function formatPretty({ diagnostics, texts, paint }: ReportInput): string {
  const blocks = diagnostics.map((d) => {
    const color = d.severity === 'error' ? paint.red : d.severity === 'warning' ? paint.yellow : paint.blue;
    const lines = [
      `${paint.bold(color(`${d.severity}[${d.ruleId}]`))} ${paint.bold(d.message)}`,
      `  ${paint.blue('-->')} ${loc(d)}${d.pointer ? paint.dim(`  ${d.pointer}`) : ''}`,
    ];
    const text = texts.get(d.file);
    if (text !== undefined && d.range.start.offset >= 0 && text.length > 0) {
      const frame = codeFrame(text, d.range, paint, color);
      if (frame) lines.push(frame.split('\n').map((l) => `  ${l}`).join('\n'));
    }
    if (d.hint) lines.push(`  ${paint.cyan('= hint:')} ${d.hint}`);
    if (d.suggestions?.length && !d.hint?.includes(d.suggestions[0]!)) lines.push(`  ${paint.cyan('= did you mean:')} ${d.suggestions.join(', ')}`);
    for (const r of d.related ?? []) lines.push(`  ${paint.cyan('= note:')} ${r.message} at ${loc(r)}`);
    return lines.join('\n');
  });
  const s = summarize(diagnostics);
  if (diagnostics.length) blocks.push(paint.bold(`${s.errors} error(s), ${s.warnings} warning(s)`));
  return blocks.length ? `${blocks.join('\n\n')}\n` : '';
}

export function formatCompact({ diagnostics }: ReportInput): string {
  return diagnostics.map((d) => `${loc(d)}: ${d.severity}: ${d.message} [${d.ruleId}]${d.hint ? ` (${d.hint})` : ''}\n`).join('');
}

/** Versioned machine output: bump `version` on any incompatible change. */
export function formatJson({ diagnostics, tool }: ReportInput): string {
  return `${JSON.stringify({ version: 1, tool, summary: summarize(diagnostics), diagnostics }, null, 2)}\n`;
}

const SARIF_LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

/** SARIF 2.1.0, as GitHub code scanning and most CI dashboards read it. */
export function formatSarif({ diagnostics, tool, base }: ReportInput): string {
  const used = [...new Set(diagnostics.map((d) => d.ruleId))].sort();
  const rules = used.map((id) => ({
    id,
    shortDescription: { text: isRuleId(id) ? ruleInfo(id).doc : id },
    helpUri: isRuleId(id) ? ruleHelpUri(id) : undefined,
    defaultConfiguration: { level: isRuleId(id) ? SARIF_LEVEL[RULE_REGISTRY[id].severity] : 'error' },
  }));
  const sarifRange = (r: Diagnostic['range']) => ({ startLine: r.start.line, startColumn: r.start.column, endLine: r.end.line, endColumn: r.end.column });
  const results = diagnostics.map((d) => ({
    ruleId: d.ruleId,
    ruleIndex: used.indexOf(d.ruleId),
    level: SARIF_LEVEL[d.severity],
    message: { text: d.hint ? `${d.message}. ${d.hint}` : d.message },
    locations: [{ physicalLocation: { artifactLocation: artifact(base, d.file), region: sarifRange(d.range) }, logicalLocations: d.pointer ? [{ fullyQualifiedName: d.pointer }] : undefined }],
    relatedLocations: d.related?.map((r, i) => ({ id: i + 1, message: { text: r.message }, physicalLocation: { artifactLocation: artifact(base, r.file), region: sarifRange(r.range) } })),
  }));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{ tool: { driver: { name: tool.name, version: tool.version, informationUri: 'https://github.com/hanzoai/hgw', rules } }, originalUriBaseIds: { SRCROOT: { uri: baseUri(base) } }, results }],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

/** A file in the workspace is a relative URI against SRCROOT; one outside it (or standard input) stays as it was given. */
function artifact(base: string, file: string): { uri: string; uriBaseId?: string } {
  const rel = pathFromBase(base, file);
  if (rel !== undefined) return { uri: toUri(rel), uriBaseId: 'SRCROOT' };
  return { uri: toUri(file.split('\\').join('/')) };
}

function toUri(file: string): string {
  return file.split('/').map(encodeURIComponent).join('/');
}

/** GitHub Actions workflow commands: one annotation per finding on the changed file. */
export function formatGithub({ diagnostics, base }: ReportInput): string {
  const esc = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const prop = (s: string) => esc(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
  const path = (file: string) => pathFromBase(base, file) ?? file;
  return diagnostics
    .map((d) => {
      const cmd = d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warning' : 'notice';
      const r = d.range;
      const props = [`file=${prop(path(d.file))}`, `line=${r.start.line}`, `col=${r.start.column}`, `endLine=${r.end.line}`, `endColumn=${r.end.column}`, `title=${prop(`hgw ${d.ruleId}`)}`];
      // Annotations have one location: the related ones (SARIF's relatedLocations) become notes in the text.
      const notes = (d.related ?? []).map((n) => `\nnote: ${n.message} at ${path(n.file)}:${n.range.start.line}:${n.range.start.column}`);
      return `::${cmd} ${props.join(',')}::${esc(`${d.hint ? `${d.message}\n${d.hint}` : d.message}${notes.join('')}`)}\n`;
    })
    .join('');
}

export function formatReport(format: OutputFormat, input: ReportInput): string {
  switch (format) {
    case 'pretty':
      return formatPretty(input);
    case 'compact':
      return formatCompact(input);
    case 'json':
      return formatJson(input);
    case 'sarif':
      return formatSarif(input);
    case 'github':
      return formatGithub(input);
  }
}
