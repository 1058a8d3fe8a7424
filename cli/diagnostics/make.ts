import type { Diagnostic, Range, RelatedLocation } from './diagnostic.js';
import type { RuleId } from './rules.js';
import { ruleInfo } from './rules.js';
import type { LoadedDocument } from '../load/document.js';

export interface DiagnosticExtras {
  /** Point at the member name (default) or at its value. */
  on?: 'key' | 'value';
  hint?: string;
  suggestions?: string[];
  related?: RelatedLocation[];
  severity?: Diagnostic['severity'];
}

/** Builds a diagnostic positioned from the document's source map. */
export function diagnosticAt(
  doc: LoadedDocument,
  ruleId: RuleId,
  pointer: string,
  message: string,
  extras: DiagnosticExtras = {},
): Diagnostic {
  const range = extras.on === 'value' ? doc.sourceMap.valueRange(pointer) : doc.sourceMap.keyRange(pointer);
  return withRange(doc.file, ruleId, pointer, range, message, extras);
}

export function withRange(
  file: string,
  ruleId: RuleId,
  pointer: string,
  range: Range,
  message: string,
  extras: DiagnosticExtras = {},
): Diagnostic {
  const d: Diagnostic = {
    ruleId,
    severity: extras.severity ?? ruleInfo(ruleId).severity,
    message,
    file,
    range,
    pointer,
  };
  if (extras.hint) d.hint = extras.hint;
  if (extras.suggestions && extras.suggestions.length > 0) d.suggestions = extras.suggestions;
  if (extras.related && extras.related.length > 0) d.related = extras.related;
  return d;
}

export function relatedAt(doc: LoadedDocument, pointer: string, message: string): RelatedLocation {
  return { message, file: doc.file, range: doc.sourceMap.keyRange(pointer), pointer };
}
