import { diagnosticAt, relatedAt } from '../../diagnostics/make.js';
import { bool, endpoints, obj, str } from '../../config/view.js';
import { ginPath, routeSegments } from '../../config/endpoint-path.js';
import type { GatewayRule } from '../context.js';

interface Node {
  statics: Map<string, Node>;
  param?: { name: string; node: Node; pointer: string; path: string };
  terminal?: { pointer: string; path: string };
}

const newNode = (): Node => ({ statics: new Map() });

/**
 * Builds one route tree per method the way gin does and reports what would
 * make gin panic at start-up (what `krakend check -t` finds by starting it):
 * a method+path registered twice, and two differently named params at the
 * same position. Static and param siblings coexist in gin ≥ 1.8, as here.
 */
export const routeTableRule: GatewayRule = ({ doc, config, report }) => {
  const disableRest = bool(obj(config).disable_rest);
  const trees = new Map<string, Node>();
  for (const ep of endpoints(doc.value)) {
    const path = str(ep.value.endpoint);
    if (path === undefined || /[*?&%]/.test(path)) continue; // endpoint-path rules report these
    const method = (str(ep.value.method) ?? 'GET').toUpperCase();
    const gin = ginPath(path, disableRest);
    let node: Node = trees.get(method) ?? newNode();
    trees.set(method, node);
    const at = `${ep.pointer}/endpoint`;
    let conflict = false;
    for (const seg of routeSegments(gin)) {
      if (seg.kind === 'static') {
        let next: Node | undefined = node.statics.get(seg.value);
        if (!next) node.statics.set(seg.value, (next = newNode()));
        node = next;
      } else if (seg.kind === 'param') {
        if (node.param && node.param.name !== seg.name) {
          report(diagnosticAt(doc, 'route-conflict', at,
            `'${seg.name}' in new path '${gin}' conflicts with existing wildcard ':${node.param.name}' of '${ginPath(node.param.path, disableRest)}' (${method})`, {
              on: 'value',
              hint: `Use the same parameter name at this position in every ${method} route, e.g. {${node.param.name}}.`,
              related: [relatedAt(doc, node.param.pointer, `:${node.param.name} first declared here`)],
            }));
          conflict = true;
          break;
        }
        if (!node.param) node.param = { name: seg.name, node: newNode(), pointer: at, path };
        node = node.param.node;
      } else {
        conflict = true; // catch-alls are reported by endpoint-wildcard
        break;
      }
    }
    if (conflict) continue;
    if (node.terminal) {
      report(diagnosticAt(doc, 'route-duplicate', at, `handlers are already registered for ${method} ${gin}`, {
        on: 'value',
        hint: node.terminal.path === path
          ? 'Remove one of the two endpoints or give it another method.'
          : `"${path}" and "${node.terminal.path}" are the same route once parameters are considered.`,
        related: [relatedAt(doc, node.terminal.pointer, 'first registered here')],
      }));
    } else {
      node.terminal = { pointer: at, path };
    }
  }
};
