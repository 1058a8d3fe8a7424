import { diagnosticAt } from '../../diagnostics/make.js';
import { parseGoDuration } from '../../config/duration.js';
import { endpoints, obj, str } from '../../config/view.js';
import type { GatewayRule } from '../context.js';

/** A zero or negative timeout silently becomes the 2s default in Lura. */
export const timeoutsRule: GatewayRule = ({ doc, config, report }) => {
  const check = (value: unknown, pointer: string) => {
    const s = str(value);
    if (s === undefined) return;
    const d = parseGoDuration(s);
    if (d.ok && d.ms <= 0) {
      report(diagnosticAt(doc, 'duration-non-positive', pointer, `timeout ${JSON.stringify(s)} is not positive; the default (2s, or the service timeout) applies instead`, {
        on: 'value', hint: 'Remove the key to use the default, or give a positive duration.',
      }));
    }
  };
  check(obj(config).timeout, '/timeout');
  for (const ep of endpoints(doc.value)) check(ep.value.timeout, `${ep.pointer}/timeout`);
};
