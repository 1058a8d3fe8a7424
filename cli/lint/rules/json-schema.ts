import { diagnosticAt } from '../../diagnostics/make.js';
import { endpoints, obj } from '../../config/view.js';
import { joinPointer } from '../../load/json-pointer.js';
import { compileBodySchema } from '../../../runtime/validation/json-schema/body-schema.js';
import type { GatewayRule } from '../context.js';

/**
 * A `validation/json-schema` value compiled as the runtime compiles it: one
 * that does not compile leaves the endpoint unvalidated (KrakenD logs it and
 * carries on), so it is an error here.
 */
export const jsonSchemaRule: GatewayRule = ({ doc, report }) => {
  for (const ep of endpoints(doc.value)) {
    const extra = obj(ep.value.extra_config);
    if (extra['validation/json-schema'] === undefined) continue;
    try {
      compileBodySchema(extra['validation/json-schema']);
    } catch (e) {
      if ((e as { code?: string }).code === 'HGW_GO_REGEXP') continue; // regexp-invalid reports it at the pattern
      report(diagnosticAt(doc, 'json-schema-invalid', joinPointer(`${ep.pointer}/extra_config`, 'validation/json-schema'), `this JSON Schema does not compile (${(e as Error).message.split('\n')[0]}), so request bodies would not be validated at all`, {
        on: 'value',
      }));
    }
  }
};
