import { createHash } from 'node:crypto';

export type SchemaName = 'gateway' | 'routes' | 'ingress';

export const SCHEMA_FILES: Record<SchemaName, string> = {
  gateway: 'gateway.schema.json',
  routes: 'routes.schema.json',
  ingress: 'ingress.schema.json',
};

/** Identifies a schema's text, so a precompiled validator is only used for the schema it was made from. */
export function schemaHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
