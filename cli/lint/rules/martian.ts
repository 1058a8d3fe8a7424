import { diagnosticAt } from '../../diagnostics/make.js';
import { backends, endpoints, namespaceKey, obj } from '../../config/view.js';
import { joinPointer } from '../../load/json-pointer.js';
import { compileMartian } from '../../../runtime/modifier/martian/martian-modifiers.js';
import type { GatewayRule } from '../context.js';

/** A `modifier/martian` definition (or its legacy namespace) compiled as the runtime will: one that does not compile leaves the backend unmodified. */
export const martianRule: GatewayRule = ({ doc, report }) => {
  for (const ep of endpoints(doc.value)) {
    for (const be of backends(ep)) {
      const extra = obj(be.value.extra_config);
      const ns = namespaceKey(extra, 'modifier/martian');
      if (ns === undefined || extra[ns] === undefined) continue;
      try {
        compileMartian(extra[ns]);
      } catch (e) {
        if ((e as { code?: string }).code === 'HGW_GO_REGEXP') continue; // regexp-invalid reports it at the regex
        report(diagnosticAt(doc, 'martian-invalid', joinPointer(`${be.pointer}/extra_config`, ns), `${(e as Error).message}; the backend would run unmodified`, { on: 'value' }));
      }
    }
  }
};
