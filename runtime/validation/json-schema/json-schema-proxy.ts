import type { ProxyWrapperFactory } from '../../core/endpoint-context.js';
import { BackendError } from '../../core/pipe/backend-error.js';
import type { Cancel } from '../../core/pipe/proxy.js';
import { readBodyThen } from '../../core/pipe/read-body.js';
import { NO_CANCEL } from '../../core/pipe/proxy.js';
import { compileBodySchema } from './body-schema.js';

/**
 * `validation/json-schema` (krakend-jsonschema) around a decoding endpoint's
 * pipe: the client body is read whole, parsed and validated before any
 * backend is called, then handed on as a buffer. Failures are 400 with
 * krakend-jsonschema's texts (shown with return_error_msg): `could not
 * validate a malformed body` for what does not parse (an empty body among
 * them, as a Go server request always has a body), else one `- <problem>`
 * line per error. A schema ajv cannot compile leaves the endpoint
 * unvalidated with an error logged, as KrakenD does.
 */
const MALFORMED = 'could not validate a malformed body';

export const jsonSchemaProxy: ProxyWrapperFactory = (endpoint, _backend, deps) => {
  const settings = endpoint.settings['validation/json-schema'];
  if (!settings) return (next) => next;
  let schema: ReturnType<typeof compileBodySchema>;
  try {
    schema = compileBodySchema(settings.schema);
  } catch (e) {
    deps.log.error(`[ENDPOINT: ${endpoint.endpoint}][JSONSchema] Parsing the definition: ${(e as Error).message}`);
    return (next) => next;
  }
  const limit = endpoint.maxPayload;

  return (next) => (ctx, done) => {
    const validated = (body: Buffer): Cancel => {
      let document: unknown;
      try {
        document = JSON.parse(body.toString('utf8'));
      } catch {
        done(new BackendError(MALFORMED, 400), null);
        return NO_CANCEL;
      }
      const problems = schema.problems(document);
      if (problems) {
        done(new BackendError(problems.map((p) => `- ${p}`).join('\n'), 400), null);
        return NO_CANCEL;
      }
      return next({ ...ctx, body }, done);
    };
    if (Buffer.isBuffer(ctx.body)) return validated(ctx.body);
    if (ctx.body === false) return validated(Buffer.alloc(0));
    return readBodyThen(ctx, limit, done, validated);
  };
};
