import { RE2JS, RE2JSException } from 're2js';

/**
 * A regular expression from a config, compiled once with Go's syntax and run
 * on RE2 (re2js, a pure-JS port of Go's regexp engine): matching takes time
 * linear in the input, whatever the pattern, so no pattern and no input can
 * stall the event loop the way V8's backtracking engine can
 * (`.*(bot|crawler|spider).*` over a long User-Agent is quadratic there).
 *
 * Every config-supplied pattern goes through here: bot detector `patterns`,
 * `security/http` allowed-host regexes, martian regex filters, CEL
 * `matches`, JSON Schema `pattern`/`patternProperties`. A pattern RE2 refuses
 * (lookaround, backreferences, a repeat over 1000, …) throws a
 * {@link GoRegexpError} carrying Go's own `error parsing regexp: …` text, so
 * `hgw check` and start-up refuse what Go's `regexp.Compile` refuses.
 *
 * Bounds: this adds no input cap; time is linear in the input (≈ 20–40 ms
 * per MiB here), and every input is already bounded where it comes from
 * (header lines by `max_header_bytes`, 1 MiB by default; bodies by
 * `max_payload` or 32 MiB). re2js keeps its lazy DFA cache within 8 MiB per
 * pattern and falls back to its NFA beyond that, still linear.
 */
export class GoRegexpError extends Error {
  readonly code = 'HGW_GO_REGEXP';
}

export interface GoRegexp {
  /** The pattern as written in the config. */
  readonly source: string;
  /** Which engine runs it: always RE2, never V8's RegExp (tests assert this). */
  readonly engine: 're2js';
  /** Whether the pattern matches anywhere in `input` (Go's `MatchString`, unanchored). */
  test(input: string): boolean;
  /** The source, as `String(regexp)` gives for a RegExp (ajv keys its pattern cache by it). */
  toString(): string;
}

export function compileGoRegexp(pattern: string): GoRegexp {
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern);
  } catch (err) {
    // re2js's syntax errors read as Go's (`error parsing regexp: missing closing ): ...`).
    const message = err instanceof RE2JSException ? err.message : `error parsing regexp: ${(err as Error).message}`;
    throw new GoRegexpError(message);
  }
  return { source: pattern, engine: 're2js', test: (input) => re.test(input), toString: () => `/${pattern}/` };
}

/** Go's error text for a pattern RE2 refuses, or undefined when it compiles (for `hgw check`). */
export function goRegexpProblem(pattern: string): string | undefined {
  try {
    compileGoRegexp(pattern);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}
