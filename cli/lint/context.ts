import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { LoadedDocument } from '../load/document.js';
import type { ProfilePlan } from '../../runtime/plan/plan.js';

/** What a gateway.json lint rule sees: the document (value + positions) and a sink for findings. */
export interface LintContext {
  doc: LoadedDocument;
  config: Record<string, unknown>;
  /** The gateway being checked for: hanzo engine or plain KrakenD, from the flag, the config or the default. */
  profile: ProfilePlan;
  report(d: Diagnostic): void;
}

export type GatewayRule = (ctx: LintContext) => void;
