import { diagnosticAt } from '../../diagnostics/make.js';
import { arr, backends, endpoints, has, obj, str } from '../../config/view.js';
import type { GatewayRule } from '../context.js';

/** Backend-list rules of Lura's Init: at least one backend, no-op takes exactly one; plus CE's ignored backend timeout. */
export const backendsRule: GatewayRule = ({ doc, config, report }) => {
  const serviceEncoding = str(obj(config).output_encoding);
  for (const ep of endpoints(doc.value)) {
    const list = arr(ep.value.backend);
    if (Array.isArray(ep.value.backend) && list.length === 0) {
      report(diagnosticAt(doc, 'endpoint-no-backends', `${ep.pointer}/backend`, `endpoint ${JSON.stringify(str(ep.value.endpoint) ?? '')} has 0 backends defined`, {
        hint: 'Add a backend ({"url_pattern": "/…", "host": ["http://…"]}), or remove the endpoint.',
      }));
    }
    const encoding = str(ep.value.output_encoding) ?? serviceEncoding;
    if (encoding === 'no-op' && list.length > 1) {
      const at = has(ep.value, 'output_encoding') ? `${ep.pointer}/output_encoding` : `${ep.pointer}/backend`;
      report(diagnosticAt(doc, 'noop-multiple-backends', at, `can not use no-op encoding with more than one backend (this endpoint has ${list.length})`, {
        on: 'value',
        hint: has(ep.value, 'output_encoding')
          ? 'Keep one backend, or use "json" to merge several responses.'
          : 'The service-level output_encoding is "no-op"; set "output_encoding": "json" on this endpoint to merge its backends.',
      }));
    }
    for (const be of backends(ep)) {
      if (has(be.value, 'timeout')) {
        report(diagnosticAt(doc, 'backend-timeout-ignored', `${be.pointer}/timeout`, 'backend "timeout" has no effect: only the endpoint timeout applies', {
          hint: 'Move the value to the endpoint\'s "timeout" (KrakenD\'s schema lint rejects this key; its runtime ignores it).',
        }));
      }
    }
  }
};
