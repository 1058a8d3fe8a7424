import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { compileGoRegexp } from '../../shared/go/go-regexp.js';

/**
 * A `validation/json-schema` value compiled with ajv, picking the draft the
 * schema names in `$schema` (04, 06, 07, 2019-09, 2020-12; 07 without one),
 * with formats checked as gojsonschema checks them, and `pattern` /
 * `patternProperties` run on RE2 with Go's syntax as gojsonschema runs them
 * (ajv's `code.regExp` engine hook), in linear time. Errors read as
 * gojsonschema's do: `<field>: <what is wrong>`, the field `(root)` or a
 * dotted path.
 */
export interface BodySchema {
  /** undefined when the document is valid, else one line per problem. */
  problems(document: unknown): string[] | undefined;
}

/** ajv's regex engine hook: Go's RE2 instead of `new RegExp` (`u` is ajv's unicode flag; RE2 is always Unicode). */
const goRegExp = Object.assign((pattern: string) => compileGoRegexp(pattern), { code: 'compileGoRegexp' });

const OPTIONS = { allErrors: true, strict: false, code: { regExp: goRegExp } } as const;

export function compileBodySchema(schema: unknown): BodySchema {
  const validate = validatorFor(schema);
  return {
    problems(document) {
      if (validate(document)) return undefined;
      return (validate.errors ?? []).map(describe);
    },
  };
}

function validatorFor(schema: unknown): ValidateFunction {
  const draft = typeof schema === 'object' && schema !== null ? String((schema as { $schema?: unknown }).$schema ?? '') : '';
  // ajv-draft-04 is CommonJS with a default export; under ESM interop it may arrive wrapped.
  const Draft04 = ((AjvDraft04 as unknown as { default?: typeof AjvDraft04 }).default ?? AjvDraft04) as unknown as new (o: object) => Ajv;
  const formats = ((addFormats as unknown as { default?: typeof addFormats }).default ?? addFormats) as unknown as (a: Ajv) => void;
  const ajv: Ajv = draft.includes('draft-04')
    ? new Draft04(OPTIONS)
    : draft.includes('2019-09')
      ? (new Ajv2019(OPTIONS) as unknown as Ajv)
      : draft.includes('2020-12')
        ? (new Ajv2020(OPTIONS) as unknown as Ajv)
        : new Ajv(OPTIONS);
  formats(ajv);
  return ajv.compile(typeof schema === 'boolean' ? schema : (schema as object));
}

function describe(e: ErrorObject): string {
  const field = e.instancePath === '' ? '(root)' : e.instancePath.slice(1).split('/').map(unescapePointer).join('.');
  const missing = e.keyword === 'required' ? (e.params as { missingProperty?: string }).missingProperty : undefined;
  if (missing !== undefined) return `${field}: ${missing} is required`;
  return `${field}: ${e.message ?? e.keyword}`;
}

function unescapePointer(s: string): string {
  return s.replace(/~1/g, '/').replace(/~0/g, '~');
}
