import type { ErrorObject } from 'ajv';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { didYouMean } from '../diagnostics/did-you-mean.js';
import { diagnosticAt } from '../diagnostics/make.js';
import type { LoadedDocument } from '../load/document.js';
import { getAtPointer, joinPointer, splitPointer } from '../load/json-pointer.js';
import { LEGACY_NAMESPACES, V2_KEYS } from './known-exceptions.js';
import { validatorFor, type SchemaName } from './schemas.js';

/** Validates a loaded document against one of schemas/ and turns Ajv errors into positioned diagnostics. */
export function validateDocument(doc: LoadedDocument, schema: SchemaName): Diagnostic[] {
  const validate = validatorFor(schema);
  if (validate(doc.value)) return [];
  const errors = (validate.errors ?? []).slice();
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  const handled = new Set<ErrorObject>();
  // With allErrors, a failed anyOf also reports every branch; keep the branches only
  // when nothing more specific was said about the same value.
  const specific = new Set(errors.filter((e) => !COMPOSITE.has(e.keyword)).map((e) => e.instancePath));
  // "Needs one of these keys" schemas fail every branch's `required`; say it once.
  for (const any of errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf')) {
    const branches = errors.filter((e) => e.keyword === 'required' && e.instancePath === any.instancePath && e.schemaPath.startsWith(`${any.schemaPath}/`));
    if (branches.length < 2) continue;
    const keys = [...new Set(branches.map((e) => String((e.params as { missingProperty: string }).missingProperty)))];
    out.push(diagnosticAt(doc, 'schema-required', any.instancePath, `${objectLabel(any.instancePath)} needs one of the keys ${keys.map((k) => `"${k}"`).join(' or ')}`, {
      hint: `Add ${keys.map((k) => `"${k}"`).join(' or ')}.`,
    }));
    for (const b of branches) handled.add(b);
  }
  for (const e of errors) {
    if (handled.has(e)) continue;
    if (COMPOSITE.has(e.keyword) && specific.has(e.instancePath)) continue;
    if (e.keyword === 'if') continue;
    const d = toDiagnostic(doc, e);
    if (!d) continue;
    const key = `${d.ruleId}\u0000${d.pointer}\u0000${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out;
}

const COMPOSITE = new Set(['anyOf', 'oneOf', 'allOf', 'not']);

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${JSON.stringify(value)}`;
}

function keyName(pointer: string): string {
  const segs = splitPointer(pointer);
  return segs.length ? segs[segs.length - 1]! : '(document)';
}

/** `extra_config` objects hold namespaces, anything else holds keys. */
function isNamespaceHolder(pointer: string): boolean {
  const segs = splitPointer(pointer);
  return segs[segs.length - 1] === 'extra_config';
}

function toDiagnostic(doc: LoadedDocument, e: ErrorObject): Diagnostic | undefined {
  const ptr = e.instancePath;
  const value = getAtPointer(doc.value, ptr);
  const name = keyName(ptr);
  const parentSchema = (e.parentSchema ?? {}) as { properties?: Record<string, unknown>; description?: string };
  switch (e.keyword) {
    case 'additionalProperties': {
      const extra = String((e.params as { additionalProperty: string }).additionalProperty);
      const where = joinPointer(ptr, extra);
      const known = Object.keys(parentSchema.properties ?? {});
      if (isNamespaceHolder(ptr)) {
        if (LEGACY_NAMESPACES[extra]) return undefined; // lint rule legacy-namespace explains it
        const suggestions = didYouMean(extra, known);
        return diagnosticAt(doc, 'unknown-namespace', where, `unknown extra_config namespace "${extra}" at ${levelOf(ptr)} level`, {
          suggestions,
          hint: suggestions.length ? `Did you mean "${suggestions[0]}"?` : 'hgw ignores it at runtime, as KrakenD does. Check the namespace name and the level (service, endpoint or backend) it belongs to.',
        });
      }
      if (V2_KEYS[extra]) return undefined; // lint rule v2-key
      if (extra === 'timeout' && /\/backend\/\d+$/.test(ptr)) return undefined; // lint rule backend-timeout-ignored
      const suggestions = didYouMean(extra, known);
      return diagnosticAt(doc, 'unknown-key', where, `unknown key "${extra}" in ${objectLabel(ptr)}`, {
        suggestions,
        hint: suggestions.length ? `Did you mean "${suggestions[0]}"?` : 'It is ignored at runtime; remove it or prefix it with "@" to keep it as a comment.',
      });
    }
    case 'required': {
      const missing = String((e.params as { missingProperty: string }).missingProperty);
      return diagnosticAt(doc, 'schema-required', ptr, `${objectLabel(ptr)} is missing the required key "${missing}"`, {
        hint: requiredHint(missing),
      });
    }
    case 'type': {
      const expected = String((e.params as { type: string | string[] }).type);
      const isDuration = (e.parentSchema as { format?: string } | undefined)?.format === 'go-duration'
        || /duration/i.test(String((e.parentSchema as { $comment?: string } | undefined)?.$comment ?? ''));
      return diagnosticAt(doc, 'schema-type', ptr, `"${name}" must be ${article(expected)}, found ${describe(value)}`, {
        on: 'value',
        hint: typeof value === 'number' && expected === 'string' && isDuration
          ? `Durations are strings with a unit, e.g. "${value}ms" or "${value}s".`
          : typeof value === 'string' && (expected === 'integer' || expected === 'number') && /^-?\d+(\.\d+)?$/.test(value)
            ? `Write the number without quotes: ${value}.`
            : typeof value === 'string' && expected === 'boolean' && /^(true|false)$/i.test(value)
              ? `Write the boolean without quotes: ${value.toLowerCase()}.`
              : undefined,
      });
    }
    case 'enum': {
      const allowed = ((e.params as { allowedValues: unknown[] }).allowedValues ?? []).map((v) => String(v));
      // Lura upper-cases methods at load, so "post" works; the lint rule endpoint-method-case says so instead.
      if (name === 'method' && typeof value === 'string' && allowed.includes(value.toUpperCase())) return undefined;
      const suggestions = typeof value === 'string' ? didYouMean(value, allowed) : [];
      return diagnosticAt(doc, 'schema-enum', ptr, `"${name}" must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}; found ${describe(value)}`, {
        on: 'value',
        suggestions,
        hint: suggestions.length ? `Did you mean "${suggestions[0]}"?` : undefined,
      });
    }
    case 'const': {
      const allowed = (e.params as { allowedValue: unknown }).allowedValue;
      if (ptr === '/version') {
        return diagnosticAt(doc, 'version-unsupported', ptr, `unsupported version: ${JSON.stringify(value)} (want: 3)`, {
          on: 'value',
          hint: 'hgw reads KrakenD v3 configs ("version": 3). v2 configs need migrating (e.g. headers_to_pass → input_headers).',
        });
      }
      return diagnosticAt(doc, 'schema-enum', ptr, `"${name}" must be ${JSON.stringify(allowed)}, found ${describe(value)}`, { on: 'value' });
    }
    case 'format': {
      const format = String((e.params as { format: string }).format);
      if (format === 'go-duration') {
        return diagnosticAt(doc, 'invalid-duration', ptr, `"${name}": ${JSON.stringify(value)} is not a valid duration`, {
          on: 'value',
          hint: 'Use Go duration syntax: a number and a unit (ns, us, ms, s, m, h), e.g. "250ms", "1.5s", "1h30m".',
        });
      }
      return diagnosticAt(doc, 'schema-format', ptr, `"${name}" must be a valid ${format}, found ${describe(value)}`, { on: 'value' });
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const p = e.params as { comparison: string; limit: number };
      return diagnosticAt(doc, 'schema-range', ptr, `"${name}" must be ${p.comparison} ${p.limit}, found ${describe(value)}`, { on: 'value' });
    }
    case 'minItems':
      if (/^\/endpoints\/\d+\/backend$/.test(ptr)) return undefined; // lint rule endpoint-no-backends, with Lura's message
    // falls through
    case 'minLength':
    case 'maxLength':
    case 'maxItems':
    case 'minProperties':
    case 'maxProperties': {
      const limit = (e.params as { limit: number }).limit;
      const what = e.keyword.endsWith('Length') ? 'characters' : e.keyword.endsWith('Items') ? 'items' : 'keys';
      const bound = e.keyword.startsWith('min') ? 'at least' : 'at most';
      return diagnosticAt(doc, 'schema-range', ptr, `"${name}" must have ${bound} ${limit} ${what}`, { on: 'value' });
    }
    case 'uniqueItems':
      return diagnosticAt(doc, 'schema-range', ptr, `"${name}" must not repeat items`, { on: 'value' });
    case 'pattern':
      return diagnosticAt(doc, 'schema-pattern', ptr, `"${name}" does not have the required form (${(e.params as { pattern: string }).pattern}); found ${describe(value)}`, { on: 'value' });
    default:
      return diagnosticAt(doc, 'schema-invalid', ptr, `"${name}" ${e.message ?? 'is invalid'}`, { on: 'value' });
  }
}

function article(type: string): string {
  const list = type.split(',');
  const one = (t: string) => (t === 'array' || t === 'object' || t === 'integer' ? `an ${t}` : t === 'null' ? 'null' : `a ${t}`);
  return list.map(one).join(' or ');
}

function levelOf(extraConfigPointer: string): string {
  if (/\/backend\/\d+\/extra_config$/.test(extraConfigPointer)) return 'backend';
  if (/^\/endpoints\/\d+\/extra_config$/.test(extraConfigPointer)) return 'endpoint';
  if (extraConfigPointer === '/extra_config') return 'service';
  return 'this';
}

function objectLabel(ptr: string): string {
  if (ptr === '') return 'the service';
  const m = /^\/endpoints\/(\d+)(?:\/backend\/(\d+))?$/.exec(ptr);
  if (m) return m[2] !== undefined ? `backend ${m[2]} of endpoint ${m[1]}` : `endpoint ${m[1]}`;
  const ns = /\/extra_config\/([^/]+)$/.exec(ptr);
  if (ns) return `"${ns[1]!.replace(/~1/g, '/').replace(/~0/g, '~')}"`;
  return `"${keyName(ptr)}"`;
}

function requiredHint(missing: string): string | undefined {
  switch (missing) {
    case 'version':
      return 'Add "version": 3 at the top level.';
    case 'endpoint':
      return 'Every endpoint needs a path, e.g. "endpoint": "/v1/users/{id}".';
    case 'backend':
      return 'Every endpoint needs at least one backend: "backend": [{"url_pattern": "/…", "host": ["http://…"]}].';
    case 'url_pattern':
      return 'Every backend needs the path to call on its host, e.g. "url_pattern": "/users/{id}".';
    default:
      return undefined;
  }
}
