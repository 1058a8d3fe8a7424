import type { Environment } from '@marcbachmann/cel-js';
import { compileGoRegexp, type GoRegexp } from '../../shared/go/go-regexp.js';

/**
 * CEL's `string.matches(pattern)` on RE2, as cel-go runs it. cel-js's own
 * overload is `new RegExp(pattern).test(s)` (V8's backtracking engine, and a
 * pattern recompiled on every call); cel-js cannot replace a built-in
 * overload, so each `.matches(` call in an expression is renamed to
 * {@link RE2_MATCHES}, registered here, before the expression is compiled.
 *
 * Literal patterns are compiled once at start-up ({@link precompileLiterals}).
 * A pattern that comes from the request is compiled on its call, and that
 * compile is bounded: re2js spends seconds on a few KB of counted
 * repetitions (`\pL{1000}` ×400: 13 s here), so such a pattern may be at
 * most {@link DYNAMIC_PATTERN_LIMIT} characters with no `{n}` repetition
 * (≈ 50 ms at worst), else the call fails and so does the check. Up to
 * {@link CACHE_LIMIT} of them are kept.
 */
export const RE2_MATCHES = 'hgw_re2_matches';

export const DYNAMIC_PATTERN_LIMIT = 128;

/** At most this many request-time patterns are kept; past it the cache starts over. */
const CACHE_LIMIT = 256;

interface Patterns {
  fixed: Map<string, GoRegexp>;
  recent: Map<string, GoRegexp>;
}

const patternsOf = new WeakMap<Environment, Patterns>();

export function registerRe2Matches(env: Environment): Environment {
  const patterns: Patterns = { fixed: new Map(), recent: new Map() };
  patternsOf.set(env, patterns);
  const matcher = (pattern: string): GoRegexp => {
    const known = patterns.fixed.get(pattern) ?? patterns.recent.get(pattern);
    if (known) return known;
    if (pattern.length > DYNAMIC_PATTERN_LIMIT || /\{\d/.test(pattern)) {
      throw new Error(`a matches pattern from the request may have at most ${DYNAMIC_PATTERN_LIMIT} characters and no {n} repetition`);
    }
    const re = compileGoRegexp(pattern);
    if (patterns.recent.size >= CACHE_LIMIT) patterns.recent.clear();
    patterns.recent.set(pattern, re);
    return re;
  };
  return env.registerFunction(`string.${RE2_MATCHES}(string): bool`, (s: string, pattern: string) => matcher(pattern).test(s));
}

/** Compiles an expression's literal patterns now, so its calls never pay for (or are bounded by) a compile; a pattern RE2 refuses is left to fail its call. */
export function precompileLiterals(env: Environment, calls: readonly MatchesCall[]): void {
  const patterns = patternsOf.get(env);
  if (!patterns) return;
  for (const c of calls) {
    if (c.literal === undefined || patterns.fixed.has(c.literal)) continue;
    try {
      patterns.fixed.set(c.literal, compileGoRegexp(c.literal));
    } catch {
      // cel-go's matches errs at evaluation; so does this call (and hgw check reports it).
    }
  }
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
export function withRe2Matches(expr: string, calls: readonly MatchesCall[]): string {
  let out = expr;
  for (const c of [...calls].sort((a, b) => b.nameAt - a.nameAt)) {
    out = out.slice(0, c.nameAt) + RE2_MATCHES + out.slice(c.nameAt + 'matches'.length);
  }
  return out;
}
