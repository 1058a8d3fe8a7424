import { diagnosticAt } from '../../diagnostics/make.js';
import { arr, backends, endpoints, isObj, namespaceKey, obj, type Obj } from '../../config/view.js';
import { joinPointer } from '../../load/json-pointer.js';
import type { Environment } from '@marcbachmann/cel-js';
import { goRegexpProblem } from '../../../runtime/shared/go/go-regexp.js';
import { celEnvironment } from '../../../runtime/validation/cel/cel-checks.js';
import { matchesCalls } from '../../../runtime/validation/cel/cel-re2-matches.js';
import type { GatewayRule } from '../context.js';

/**
 * Every regular expression a config supplies, compiled as the runtime
 * compiles it — Go's RE2 syntax (`runtime/shared/go/go-regexp.ts`) — and a
 * pattern RE2 refuses reported at its own position: bot detector `patterns`,
 * `security/http` `allowed_hosts` with `allowed_hosts_are_regex`, martian
 * `header.RegexFilter` / `url.RegexFilter` `regex`, JSON Schema `pattern`
 * and `patternProperties` keys, and literal CEL `matches` patterns.
 */
export const regexpsRule: GatewayRule = ({ doc, report }) => {
  const bad = (pointer: string, pattern: string, what: string, on: 'key' | 'value' = 'value') => {
    const problem = goRegexpProblem(pattern);
    if (problem === undefined) return;
    report(diagnosticAt(doc, 'regexp-invalid', pointer, `${what} ${JSON.stringify(pattern)} is not a Go (RE2) regular expression: ${problem}`, {
      on, hint: 'Write it in Go\'s RE2 syntax: no lookaround or backreferences, repeats up to {1000}.',
    }));
  };

  let env: Environment | undefined;
  const cel = () => (env ??= celEnvironment());
  const levels: Array<{ extra: Obj; pointer: string }> = [{ extra: obj(obj(doc.value).extra_config), pointer: '/extra_config' }];
  for (const ep of endpoints(doc.value)) {
    levels.push({ extra: obj(ep.value.extra_config), pointer: `${ep.pointer}/extra_config` });
    for (const be of backends(ep)) levels.push({ extra: obj(be.value.extra_config), pointer: `${be.pointer}/extra_config` });
  }
  for (const { extra, pointer } of levels) {
    const bots = joinPointer(pointer, 'security/bot-detector');
    arr(obj(extra['security/bot-detector']).patterns).forEach((p, i) => typeof p === 'string' && bad(`${bots}/patterns/${i}`, p, 'the bot detector pattern'));

    const secure = obj(extra['security/http']);
    if (secure.allowed_hosts_are_regex === true) {
      const at = joinPointer(pointer, 'security/http');
      arr(secure.allowed_hosts).forEach((h, i) => typeof h === 'string' && bad(`${at}/allowed_hosts/${i}`, h, 'the allowed host'));
    }

    const martianNs = namespaceKey(extra, 'modifier/martian');
    if (martianNs !== undefined) martianRegexps(extra[martianNs], joinPointer(pointer, martianNs), bad);
    if (extra['validation/json-schema'] !== undefined) schemaPatterns(extra['validation/json-schema'], joinPointer(pointer, 'validation/json-schema'), bad);
    celPatterns(extra['validation/cel'], joinPointer(pointer, 'validation/cel'), bad, cel);
  }
};

type Bad = (pointer: string, pattern: string, what: string, on?: 'key' | 'value') => void;

/** `regex` of every martian regex filter, however deeply groups and filters nest. */
function martianRegexps(value: unknown, pointer: string, bad: Bad): void {
  if (Array.isArray(value)) return value.forEach((v, i) => martianRegexps(v, `${pointer}/${i}`, bad));
  if (!isObj(value)) return;
  for (const [key, v] of Object.entries(value)) {
    const at = joinPointer(pointer, key);
    if ((key === 'header.RegexFilter' || key === 'url.RegexFilter') && isObj(v) && typeof v.regex === 'string') bad(`${at}/regex`, v.regex, `the ${key} regex`);
    martianRegexps(v, at, bad);
  }
}

/** Keywords whose values are data, not schemas: a `pattern` inside them is not the keyword. */
const DATA_KEYWORDS = new Set(['enum', 'const', 'default', 'examples']);

/** JSON Schema `pattern` values and `patternProperties` names (gojsonschema runs both on Go's regexp). */
function schemaPatterns(value: unknown, pointer: string, bad: Bad): void {
  if (Array.isArray(value)) return value.forEach((v, i) => schemaPatterns(v, `${pointer}/${i}`, bad));
  if (!isObj(value)) return;
  for (const [key, v] of Object.entries(value)) {
    const at = joinPointer(pointer, key);
    if (DATA_KEYWORDS.has(key)) continue;
    if (key === 'pattern' && typeof v === 'string') bad(at, v, 'the JSON Schema pattern');
    if (key === 'patternProperties' && isObj(v)) for (const name of Object.keys(v)) bad(joinPointer(at, name), name, 'the patternProperties name', 'key');
    schemaPatterns(v, at, bad);
  }
}

/** Literal patterns of `.matches('…')` in CEL checks; expressions that do not parse are the CEL rule's to report. */
function celPatterns(list: unknown, pointer: string, bad: Bad, cel: () => Environment): void {
  arr(list).forEach((def, i) => {
    const expr = obj(def).check_expr;
    if (typeof expr !== 'string' || !expr.includes('matches')) return;
    let calls;
    try {
      const program = cel().parse(expr) as unknown as { ast: unknown };
      calls = matchesCalls(expr, program.ast);
    } catch {
      return;
    }
    for (const c of calls) if (c.literal !== undefined) bad(`${pointer}/${i}/check_expr`, c.literal, 'the CEL matches pattern');
  });
}
