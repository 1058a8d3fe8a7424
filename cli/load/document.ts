import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { SourceMap } from './source-map.js';

export type DocumentFormat = 'json' | 'yaml';

/** A parsed config file: its text, plain value and where every value came from. */
export interface LoadedDocument {
  file: string;
  text: string;
  format: DocumentFormat;
  value: unknown;
  sourceMap: SourceMap;
}

export type LoadResult =
  | { ok: true; doc: LoadedDocument; diagnostics: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[]; text?: string };
