/**
 * A template problem at a place: the file and offset it points at, and Go's
 * own wording after the position (`function "x" not defined`, `executing …`),
 * so a KrakenD user recognises the message.
 */
export class TemplateError extends Error {
  constructor(
    /** The template file (main config, a sub-template, a partial, a settings file). */
    readonly file: string,
    /** UTF-16 offset in that file's text. */
    readonly offset: number,
    message: string,
    readonly kind: 'parse' | 'exec' | 'limit' | 'input' = 'parse',
  ) {
    super(message);
  }
}

/** An error thrown by a template function; the executor adds `error calling NAME:` and the place. */
export class FuncError extends Error {}
