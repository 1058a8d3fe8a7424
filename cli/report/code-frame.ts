import type { Range } from '../diagnostics/diagnostic.js';

export interface Paint {
  red(s: string): string;
  yellow(s: string): string;
  blue(s: string): string;
  cyan(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
  green(s: string): string;
}

const id = (s: string) => s;
export const NO_PAINT: Paint = { red: id, yellow: id, blue: id, cyan: id, dim: id, bold: id, green: id };

const sgr = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;
export const ANSI_PAINT: Paint = {
  red: sgr(31, 39), yellow: sgr(33, 39), blue: sgr(34, 39), cyan: sgr(36, 39), dim: sgr(2, 22), bold: sgr(1, 22), green: sgr(32, 39),
};

/**
 * The offending line with a caret run under the range (one line of context
 * above). Tabs are shown as two spaces on both lines so the caret stays aligned.
 */
export function codeFrame(text: string, range: Range, paint: Paint, caretPaint: (s: string) => string): string {
  const lines = text.split(/\r\n|\r|\n/);
  const lineNo = range.start.line;
  const line = lines[lineNo - 1];
  if (line === undefined) return '';
  const width = String(lineNo).length;
  const gutter = (n: number | '') => paint.dim(`${String(n).padStart(width)} |`);
  const show = (s: string) => s.replace(/\t/g, '  ');
  const out: string[] = [];
  const prev = lines[lineNo - 2];
  if (prev !== undefined && prev.trim() !== '') out.push(`${gutter(lineNo - 1)} ${show(truncate(prev))}`);
  out.push(`${gutter(lineNo)} ${show(truncate(line))}`);
  const startCol = range.start.column - 1;
  const endCol = range.end.line === lineNo ? Math.max(range.end.column - 1, startCol + 1) : line.length;
  const before = show(line.slice(0, startCol)).length;
  const len = Math.max(1, Math.min(show(line.slice(startCol, endCol)).length, 120));
  out.push(`${gutter('')} ${' '.repeat(before)}${caretPaint('^'.repeat(len))}`);
  return out.join('\n');
}

function truncate(s: string): string {
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}
