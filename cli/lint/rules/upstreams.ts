import { diagnosticAt } from '../../diagnostics/make.js';
import { backends, endpoints, extraConfig, NS } from '../../config/view.js';
import { joinPointer } from '../../load/json-pointer.js';
import type { GatewayRule } from '../context.js';

const ORDER = [NS.baseHa, NS.baseNetwork, NS.zap] as const;

/** One backend, one upstream kind: base_ha wins over base-network, which wins over zap. */
export const upstreamsRule: GatewayRule = ({ doc, report }) => {
  for (const ep of endpoints(doc.value)) {
    for (const be of backends(ep)) {
      const ec = extraConfig(be.value);
      const present = ORDER.filter((ns) => Object.prototype.hasOwnProperty.call(ec, ns));
      if (present.length < 2) continue;
      for (const loser of present.slice(1)) {
        report(diagnosticAt(doc, 'upstream-exclusive', joinPointer(`${be.pointer}/extra_config`, loser), `"${loser}" is ignored: "${present[0]}" on the same backend takes precedence`, {
          hint: 'Keep one upstream namespace per backend; split the endpoint if you need both.',
        }));
      }
    }
  }
};
