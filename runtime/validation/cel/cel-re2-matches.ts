import type { Environment } from '@marcbachmann/cel-js';
import { compileGoRegexp, type GoRegexp } from '../../core/go-regexp.js';

/**
 * CEL's `string.matches(pattern)` on RE2, as cel-go runs it. cel-js's own
 * overload is `new RegExp(pattern).test(s)` (V8's backtracking engine, and a
 * pattern recompiled on every call); cel-js cannot replace a built-in
 * overload, so each `.matches(` call in an expression is renamed to
 * {@link RE2_MATCHES}, registered here, before the expression is compiled.
 * Literal patterns are compiled once at start-up; a pattern that comes from
 * the request is compiled on its call (RE2 compiles in time linear in the
 * pattern, which a header bounds) and kept in a small cache.
 */
export const RE2_MATCHES = 'hgw_re2_matches';

/** At most this many compiled patterns are kept; past it the cache starts over. */
const CACHE_LIMIT = 256;

export function registerRe2Matches(env: Environment): Environment {
  const cache = new Map<string, GoRegexp>();
  const compiled = (pattern: string): GoRegexp => {
    let re = cache.get(pattern);
    if (re === undefined) {
      re = compileGoRegexp(pattern);
      if (cache.size >= CACHE_LIMIT) cache.clear();
      cache.set(pattern, re);
    }
    return re;
  };
  return env.registerFunction(`string.${RE2_MATCHES}(string): bool`, (s: string, pattern: string) => compiled(pattern).test(s));
}

interface Node {
  op: string;
  args: unknown;
  start: number;
  end: number;
}

/** One `receiver.matches(arg)` call: where its name starts in the source, and its literal pattern if it has one. */
export interface MatchesCall {
  nameAt: number;
  literal?: string;
}

/** Every `.matches(…)` call in a parsed expression (cel-js's AST, comprehension bodies included). */
export function matchesCalls(expr: string, ast: unknown): MatchesCall[] {
  const calls: MatchesCall[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (v === null || typeof v !== 'object' || !('op' in v)) return;
    const n = v as Node;
    if (n.op === 'rcall' && Array.isArray(n.args) && n.args[0] === 'matches') {
      const receiver = n.args[1] as Node;
      const dot = /^\s*\.\s*/.exec(expr.slice(receiver.end));
      if (!dot || !expr.startsWith('matches', receiver.end + dot[0].length)) throw new Error(`cannot locate the .matches call at offset ${n.start}`);
      const arg = (n.args[2] as Node[])[0];
      calls.push({ nameAt: receiver.end + dot[0].length, ...(arg?.op === 'value' && typeof arg.args === 'string' ? { literal: arg.args } : {}) });
    }
    walk(n.args);
  };
  walk(ast);
  return calls;
}

/**
 * The expression with every `.matches(` call renamed to the RE2 one. A
 * pattern RE2 refuses fails its call, so the check fails (cel-go's
 * `matches` errs at evaluation too); `hgw check` reports literal ones.
 */
export function withRe2Matches(expr: string, ast: unknown): string {
  const calls = matchesCalls(expr, ast).sort((a, b) => b.nameAt - a.nameAt);
  let out = expr;
  for (const c of calls) {
    out = out.slice(0, c.nameAt) + RE2_MATCHES + out.slice(c.nameAt + 'matches'.length);
  }
  return out;
}
