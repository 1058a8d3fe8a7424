import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ValidateFunction } from 'ajv';
import { newAjv } from './ajv-setup.js';
import { SCHEMA_FILES, schemaHash, type SchemaName } from './schema-files.js';

export type { SchemaName } from './schema-files.js';

/** The package root: holds schemas/ and lib/ (this file is cli/validate/ in source, lib/ when bundled). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(dir, 'schemas', SCHEMA_FILES.gateway))) return dir;
    dir = dirname(dir);
  }
  throw Object.assign(new Error('hgw: cannot find the schemas/ folder next to the CLI'), { code: 'HGW_INTERNAL' });
}

export function schemasDir(): string {
  return join(packageRoot(), 'schemas');
}

function schemaText(name: SchemaName): string {
  return readFileSync(join(schemasDir(), SCHEMA_FILES[name]), 'utf8');
}

export function readSchema(name: SchemaName): Record<string, unknown> {
  return JSON.parse(schemaText(name)) as Record<string, unknown>;
}

const compiled = new Map<SchemaName, ValidateFunction>();
let ajv: ReturnType<typeof newAjv> | undefined;

/** The build's precompiled validator, if it was made from the schema as it is now. */
function precompiled(name: SchemaName): ValidateFunction | undefined {
  const lib = join(packageRoot(), 'lib');
  try {
    const hashes = JSON.parse(readFileSync(join(lib, 'schema-validators.json'), 'utf8')) as Record<string, string>;
    if (hashes[name] !== schemaHash(schemaText(name))) return undefined;
    const mod = createRequire(import.meta.url)(join(lib, 'schema-validators.cjs')) as Record<string, ValidateFunction>;
    return mod[name];
  } catch {
    return undefined;
  }
}

/** Each schema compiled once per process: precompiled by `npm install`, else compiled here. */
export function validatorFor(name: SchemaName): ValidateFunction {
  const hit = compiled.get(name);
  if (hit) return hit;
  let fn = precompiled(name);
  if (!fn) {
    ajv ??= newAjv();
    fn = ajv.compile(readSchema(name));
  }
  compiled.set(name, fn);
  return fn;
}
