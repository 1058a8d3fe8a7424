import { diagnosticAt } from '../../diagnostics/make.js';
import { arr, backends, endpoints, isObj, obj } from '../../config/view.js';
import { joinPointer } from '../../load/json-pointer.js';
import { celEnvironment } from '../../../runtime/validation/cel/cel-checks.js';
import type { GatewayRule } from '../context.js';

/**
 * `validation/cel` expressions checked as the runtime will compile them
 * (krakend-cel's declarations): one that does not parse switches off every
 * check of its endpoint or backend, one that fails its type check is left
 * out, and one that names none of req_*, resp_* or JWT is never evaluated —
 * KrakenD does all three without a word above debug level.
 */
export const celRule: GatewayRule = ({ doc, report }) => {
  const env = celEnvironment();
  const check = (extra: unknown, pointer: string, level: 'endpoint' | 'backend', noop: boolean) => {
    const list = obj(extra)['validation/cel'];
    arr(list).forEach((def, i) => {
      if (!isObj(def) || typeof def.check_expr !== 'string') return;
      const expr = def.check_expr;
      const at = `${joinPointer(pointer, 'validation/cel')}/${i}/check_expr`;
      if (noop && expr.includes('resp') && !expr.includes('req') && !expr.includes('JWT')) {
        report(diagnosticAt(doc, 'cel-never-evaluated', at, 'resp_* checks do not run on a no-op endpoint: its answer streams to the client unread', {
          on: 'value', hint: 'Check the request instead, or use a decoding output_encoding for this endpoint.',
        }));
        return;
      }
      if (!['req', 'resp', 'JWT'].some((k) => expr.includes(k))) {
        report(diagnosticAt(doc, 'cel-never-evaluated', at, `this expression reads none of req_*, resp_* or JWT, so it is never evaluated`, {
          on: 'value', hint: 'Name the variables it checks, e.g. req_headers[\'X-Tenant\'] or resp_data.status.',
        }));
        return;
      }
      let program: { check(): { valid: boolean; error?: { message?: string } } };
      try {
        program = env.parse(expr) as unknown as typeof program;
      } catch (e) {
        report(diagnosticAt(doc, 'cel-syntax', at, `the expression does not parse: ${firstLine((e as Error).message)}; every check of this ${level} is switched off`, { on: 'value' }));
        return;
      }
      const typed = program.check();
      if (!typed.valid) {
        report(diagnosticAt(doc, 'cel-type', at, `the expression fails its type check (${firstLine(typed.error?.message ?? 'type error')}) and is left out`, {
          on: 'value', hint: 'Variables: req_method, req_path, req_params (map of string), req_headers and req_querystring (map of string lists), resp_completed, resp_metadata_status (int), resp_metadata_headers, resp_data (map), JWT (map), now (string).',
        }));
      }
    });
  };
  for (const ep of endpoints(doc.value)) {
    const noop = ep.value.output_encoding === 'no-op';
    check(ep.value.extra_config, `${ep.pointer}/extra_config`, 'endpoint', noop);
    for (const be of backends(ep)) check(be.value.extra_config, `${be.pointer}/extra_config`, 'backend', noop);
  }
};

function firstLine(s: string): string {
  const nl = s.indexOf('\n');
  return nl === -1 ? s : s.slice(0, nl);
}
