import { Environment } from '@marcbachmann/cel-js';
import { matchesCalls, precompileLiterals, registerRe2Matches, withRe2Matches } from './cel-re2-matches.js';
import { checkExpressions } from './cel-settings.js';

/**
 * KrakenD's `validation/cel` expressions, compiled once (krakend-cel): the
 * variables and types it declares, and its way of sorting expressions by the
 * text they contain — `req` ones check the request before the call, `resp`
 * ones the response after it, `JWT` ones the verified claims (the JWT
 * rejecter). An expression can land in several lists. One that does not
 * parse drops the whole set (KrakenD falls back to the plain proxy, with a
 * warning); one that fails its type check is left out (KrakenD logs it at
 * debug level; we warn, and `hgw check` reports it). `matches` runs on RE2
 * (`cel-re2-matches.ts`), as in cel-go.
 */
export type CelProgram = ((activation: Record<string, unknown>) => unknown) & { check(): { valid: boolean; error?: { message?: string } } };

export interface CelChecks {
  pre: CelProgram[];
  post: CelProgram[];
  jwt: CelProgram[];
}

/** krakend-cel's declarations: every variable a check may read, and `matches` on RE2. */
export function celEnvironment(): Environment {
  return registerRe2Matches(new Environment())
    .registerVariable('now', 'string')
    .registerVariable('req_method', 'string')
    .registerVariable('req_path', 'string')
    .registerVariable('req_params', 'map<string, string>')
    .registerVariable('req_headers', 'map<string, list<string>>')
    .registerVariable('req_querystring', 'map<string, list<string>>')
    .registerVariable('resp_completed', 'bool')
    .registerVariable('resp_metadata_status', 'int')
    .registerVariable('resp_metadata_headers', 'map<string, list<string>>')
    .registerVariable('resp_data', 'map<string, dyn>')
    .registerVariable('JWT', 'map<string, dyn>');
}

export type CelCompileResult = { ok: true; checks: CelChecks; skipped: Array<{ expr: string; reason: string }> } | { ok: false; expr: string; reason: string };

export function compileCelChecks(config: unknown, env: Environment = celEnvironment()): CelCompileResult {
  const checks: CelChecks = { pre: [], post: [], jwt: [] };
  const skipped: Array<{ expr: string; reason: string }> = [];
  for (const expr of checkExpressions(config)) {
    const lists = (['req', 'resp', 'JWT'] as const).filter((key) => expr.includes(key));
    if (lists.length === 0) continue;
    let program: CelProgram;
    try {
      program = env.parse(expr) as unknown as CelProgram;
    } catch (e) {
      return { ok: false, expr, reason: firstLine((e as Error).message) };
    }
    const typed = program.check();
    if (!typed.valid) {
      skipped.push({ expr, reason: firstLine(typed.error?.message ?? 'type check failed') });
      continue;
    }
    program = onRe2(env, expr, program);
    for (const key of lists) checks[key === 'req' ? 'pre' : key === 'resp' ? 'post' : 'jwt'].push(program);
  }
  return { ok: true, checks, skipped };
}

/** The program again with `.matches(` on RE2, when it calls it (the original already parsed and type-checked). */
function onRe2(env: Environment, expr: string, program: CelProgram): CelProgram {
  const calls = matchesCalls(expr, (program as unknown as { ast: unknown }).ast);
  if (calls.length === 0) return program;
  precompileLiterals(env, calls);
  const rewritten = withRe2Matches(expr, calls);
  const re2 = env.parse(rewritten) as unknown as CelProgram;
  re2.check();
  return re2;
}

/** Runs programs in order; the index of the first that errs or is not `true`, or -1. */
export function firstFailing(programs: readonly CelProgram[], activation: Record<string, unknown>): number {
  for (let i = 0; i < programs.length; i++) {
    let result: unknown;
    try {
      result = programs[i]!(activation);
    } catch {
      return i;
    }
    if (result !== true) return i;
  }
  return -1;
}

function firstLine(s: string): string {
  const nl = s.indexOf('\n');
  return nl === -1 ? s : s.slice(0, nl);
}
