/**
 * What one `hgw integration` run found, and its pretty and JSON renderings
 * (JUnit is junit.ts). The JSON is versioned: bump `version` on any
 * incompatible change.
 */
import type { Paint } from '../report/code-frame.js';

export interface SpecOutcome {
  name: string;
  file: string;
  ok: boolean;
  problems: string[];
  ms: number;
}

export interface IntegrationResult {
  /** The suite's name in reports: the specs folder as given. */
  suite: string;
  /** The gateway the specs ran against. */
  gatewayUrl: string;
  specs: SpecOutcome[];
  ms: number;
}

export function tally(run: IntegrationResult): { passed: number; failed: number } {
  const failed = run.specs.filter((s) => !s.ok).length;
  return { passed: run.specs.length - failed, failed };
}

export function formatPretty(run: IntegrationResult, paint: Paint): string {
  const lines = run.specs.map((s) => {
    if (s.ok) return `${paint.green('PASS')} ${s.name}`;
    return [`${paint.red('FAIL')} ${s.name}  ${paint.dim(s.file)}`, ...s.problems.map((p) => `     ${p.split('\n').join('\n     ')}`)].join('\n');
  });
  const { passed, failed } = tally(run);
  lines.push(paint.bold(`${passed} passed, ${failed} failed (${run.specs.length} specs against ${run.gatewayUrl})`));
  return `${lines.join('\n')}\n`;
}

export function formatJson(run: IntegrationResult): string {
  return `${JSON.stringify({ version: 1, suite: run.suite, gateway: run.gatewayUrl, summary: tally(run), specs: run.specs }, null, 2)}\n`;
}
