/**
 * `validation/json-schema`: the schema request bodies must match, kept as
 * written (an object, or `true`/`false`). Parsed when the Plan is built; the
 * proxy compiles it at start-up (body-schema.ts), and `hgw check` reports one
 * that does not compile (lint rule json-schema).
 */
import { settingsParser } from '../../plan/settings.js';

export interface JsonSchemaSettings {
  schema: Record<string, unknown> | boolean;
}

export const jsonSchemaSettings = /* @__PURE__ */ settingsParser<JsonSchemaSettings>((raw) =>
  typeof raw === 'boolean' || (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) ? { schema: raw as JsonSchemaSettings['schema'] } : undefined,
);
