/**
 * The one shape every stage reports problems in. Positions are 1-based
 * (line and column), columns count UTF-16 code units as editors do.
 */
export type Severity = 'error' | 'warning' | 'info';

export interface Position {
  line: number;
  column: number;
  offset: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface RelatedLocation {
  message: string;
  file: string;
  range: Range;
  pointer?: string;
}

export interface Diagnostic {
  ruleId: string;
  severity: Severity;
  message: string;
  file: string;
  range: Range;
  /** JSON pointer (RFC 6901) of the offending key or value, '' for the document. */
  pointer: string;
  hint?: string;
  suggestions?: string[];
  related?: RelatedLocation[];
}

export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

export function atLeast(severity: Severity, threshold: Severity): boolean {
  return SEVERITY_RANK[severity] >= SEVERITY_RANK[threshold];
}

export const ZERO_RANGE: Range = {
  start: { line: 1, column: 1, offset: 0 },
  end: { line: 1, column: 1, offset: 0 },
};

/** Stable order: file, then position, then rule id — output must not depend on rule run order. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.range.start.offset !== b.range.start.offset) return a.range.start.offset - b.range.start.offset;
  if (a.ruleId !== b.ruleId) return a.ruleId < b.ruleId ? -1 : 1;
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}
