/**
 * `out.schema`: the body must be non-empty JSON valid against the schema, with
 * the draft the schema names in `$schema` (04, 07 or 2019-09), as the suite's
 * Go validator picks it.
 */
import { Ajv } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { createRequire } from 'node:module';

// ajv-draft-04 is CommonJS with `module.exports = Ajv`; require gives the class itself.
const AjvDraft04 = createRequire(import.meta.url)('ajv-draft-04') as typeof import('ajv-draft-04').default;

export function validatorFor(schema: Record<string, unknown>): (body: string) => string | undefined {
  const draft = String(schema.$schema ?? '');
  const ajv = draft.includes('draft-04')
    ? new AjvDraft04({ strict: false, allErrors: true })
    : draft.includes('2019-09')
      ? new Ajv2019({ strict: false, allErrors: true })
      : new Ajv({ strict: false, allErrors: true });
  const validate = ajv.compile(schema);
  return (body) => {
    if (body === '') return 'body is empty, want JSON matching the schema';
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch {
      return `body is not JSON: ${JSON.stringify(body.slice(0, 200))}`;
    }
    return validate(value) ? undefined : `body fails the schema: ${ajv.errorsText(validate.errors)}`;
  };
}
