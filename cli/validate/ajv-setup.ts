import { Ajv, type Options } from 'ajv';

/**
 * Go duration syntax (time.ParseDuration) as a regex, so the format survives
 * ajv's standalone code generation. The one thing a regex cannot check —
 * overflow past ~292 years — is left to the runtime's parser.
 */
export const GO_DURATION_SYNTAX = /^[-+]?(?:0|(?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/;

export const AJV_OPTIONS: Options = { allErrors: true, strict: false, verbose: true };

/** The one Ajv configuration, shared by build-time precompilation and the runtime fallback. */
export function newAjv(extra: Options = {}): Ajv {
  const ajv = new Ajv({ ...AJV_OPTIONS, ...extra });
  ajv.addFormat('go-duration', GO_DURATION_SYNTAX);
  return ajv;
}
