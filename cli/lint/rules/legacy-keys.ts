import { diagnosticAt } from '../../diagnostics/make.js';
import { backends, endpoints, extraConfig, isObj, type Obj } from '../../config/view.js';
import { joinPointer } from '../../load/json-pointer.js';
import { LEGACY_NAMESPACES, V2_KEYS } from '../../validate/known-exceptions.js';
import type { GatewayRule } from '../context.js';

/** Config-v2 key names and long legacy namespaces: silently ignored or discouraged, so say what to write instead. */
export const legacyKeysRule: GatewayRule = ({ doc, report }) => {
  const visit = (o: Obj, pointer: string) => {
    for (const [key, v3] of Object.entries(V2_KEYS)) {
      if (Object.prototype.hasOwnProperty.call(o, key)) {
        report(diagnosticAt(doc, 'v2-key', joinPointer(pointer, key), `"${key}" is a config-v2 key that version 3 ignores; use "${v3}"`, {
          suggestions: [v3], hint: `Rename it to "${v3}" (KrakenD drops it silently, which is a common cause of "not forwarded" reports).`,
        }));
      }
    }
    const ec = extraConfig(o);
    for (const ns of Object.keys(ec)) {
      const short = LEGACY_NAMESPACES[ns];
      if (short) {
        report(diagnosticAt(doc, 'legacy-namespace', joinPointer(`${pointer}/extra_config`, ns), `legacy namespace "${ns}"; write "${short}"`, {
          suggestions: [short], hint: `hgw reads it as "${short}", but schemas and editors only know the short form.`,
        }));
      }
    }
  };
  if (isObj(doc.value)) visit(doc.value, '');
  for (const ep of endpoints(doc.value)) {
    visit(ep.value, ep.pointer);
    for (const be of backends(ep)) visit(be.value, be.pointer);
  }
};
