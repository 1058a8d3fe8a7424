import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { LoadedDocument } from '../load/document.js';

/** What a gateway.json lint rule sees: the document (value + positions) and a sink for findings. */
export interface LintContext {
  doc: LoadedDocument;
  config: Record<string, unknown>;
  report(d: Diagnostic): void;
}

export type GatewayRule = (ctx: LintContext) => void;
