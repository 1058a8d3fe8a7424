import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { createRequire } from 'node:module';
import { isGoDuration } from '../config/duration.js';

// ajv-formats is CommonJS whose ESM interop shape differs between tsc and Node; require() is unambiguous.
const addFormats = createRequire(import.meta.url)('ajv-formats') as (ajv: Ajv) => Ajv;

export type SchemaName = 'gateway' | 'routes' | 'ingress';

const FILES: Record<SchemaName, string> = {
  gateway: 'gateway.schema.json',
  routes: 'routes.schema.json',
  ingress: 'ingress.schema.json',
};

/** schemas/ lives at the package root; this file is at cli/validate/ in source and lib/ when bundled. */
export function schemasDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    try {
      readFileSync(join(dir, 'schemas', FILES.gateway));
      return join(dir, 'schemas');
    } catch {
      dir = dirname(dir);
    }
  }
  throw Object.assign(new Error('hgw: cannot find the schemas/ folder next to the CLI'), { code: 'HGW_INTERNAL' });
}

export function readSchema(name: SchemaName): Record<string, unknown> {
  return JSON.parse(readFileSync(join(schemasDir(), FILES[name]), 'utf8')) as Record<string, unknown>;
}

let ajv: Ajv | undefined;
const compiled = new Map<SchemaName, ValidateFunction>();

/** One Ajv instance, each schema compiled once per process. */
export function validatorFor(name: SchemaName): ValidateFunction {
  const hit = compiled.get(name);
  if (hit) return hit;
  if (!ajv) {
    ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
    addFormats(ajv);
    ajv.addFormat('go-duration', { type: 'string', validate: isGoDuration });
  }
  const fn = ajv.compile(readSchema(name));
  compiled.set(name, fn);
  return fn;
}
