import type { JsonObject, JsonValue } from '../../shared/json/json-number.js';

/**
 * Encodings that need more than JSON (xml, yaml, …) reach the pipe through
 * this table, filled by the generated entry with only the codecs the config
 * names — so a JSON-only gateway links no XML parser.
 */
export interface Codec {
  /** Backend `encoding`: body text → data. */
  decode?(body: string): JsonValue;
  /** Endpoint `output_encoding`: data → body and Content-Type (`accept`: the client's Accept, for negotiate). */
  render?(data: JsonObject, accept?: string): { body: string; contentType: string };
}

export type Codecs = Readonly<Record<string, Codec>>;
