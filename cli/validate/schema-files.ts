export type SchemaName = 'gateway' | 'routes' | 'ingress';

export const SCHEMA_FILES: Record<SchemaName, string> = {
  gateway: 'gateway.schema.json',
  routes: 'routes.schema.json',
  ingress: 'ingress.schema.json',
};
