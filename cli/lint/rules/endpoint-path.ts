import { diagnosticAt } from '../../diagnostics/make.js';
import { arr, backends, endpoints, str } from '../../config/view.js';
import type { GatewayRule } from '../context.js';

/** Lura's pattern, unanchored at the start as in Lura: `/v1/__debug` is refused too, `/__debugger` is not. */
const RESERVED = /(\/__(?:debug|echo|health))(?:\/.*)?$/;
const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
const BACKEND_METHODS = new Set([...METHODS, 'HEAD', 'OPTIONS', 'CONNECT', 'TRACE']);

/** Lura's endpoint checks: path form, reserved prefixes, the unnamed catch-all gin rejects, method case. */
export const endpointPathRule: GatewayRule = ({ doc, report }) => {
  for (const ep of endpoints(doc.value)) {
    const path = str(ep.value.endpoint);
    const at = `${ep.pointer}/endpoint`;
    if (path !== undefined) {
      if (!path.startsWith('/')) {
        report(diagnosticAt(doc, 'endpoint-path-invalid', at, `endpoint path ${JSON.stringify(path)} must start with "/"`, {
          on: 'value', hint: `Write "/${path}".`, suggestions: [`/${path}`],
        }));
      } else if (/[?&%]/.test(path)) {
        report(diagnosticAt(doc, 'endpoint-path-invalid', at, `endpoint path ${JSON.stringify(path)} may not contain "?", "&" or "%"`, {
          on: 'value', hint: 'Query strings are not part of the route; list accepted query names in "input_query_strings".',
        }));
      } else if (/\*/.test(path.replace(/\/\*$/, ''))) {
        report(diagnosticAt(doc, 'endpoint-path-invalid', at, `endpoint path ${JSON.stringify(path)} may contain "*" only as a final "/*"`, { on: 'value' }));
      } else if (path.endsWith('/*')) {
        report(diagnosticAt(doc, 'endpoint-wildcard', at, `catch-all endpoint ${JSON.stringify(path)} is not supported: the router panics on an unnamed wildcard`, {
          on: 'value', hint: 'List the sub-paths explicitly, use a {param} segment, or route the host through routes.yaml prefixes.',
        }));
      }
      const reserved = RESERVED.exec(path)?.[1];
      if (reserved) {
        report(diagnosticAt(doc, 'endpoint-path-reserved', at, `endpoint path ${JSON.stringify(path)} is reserved for the gateway's own ${reserved} handler`, {
          on: 'value', hint: 'Choose another path; the built-in endpoints are enabled with debug_endpoint / echo_endpoint / router.health_path.',
        }));
      }
    }
    for (const [owner, allowed] of [[ep.value, METHODS], ...backends(ep).map((b) => [b.value, BACKEND_METHODS] as const)] as const) {
      const method = str(owner.method);
      const at = owner === ep.value ? `${ep.pointer}/method` : `${ep.pointer}/backend/${arr(ep.value.backend).indexOf(owner)}/method`;
      if (method !== undefined && method !== method.toUpperCase() && allowed.has(method.toUpperCase())) {
        report(diagnosticAt(doc, 'endpoint-method-case', at, `method ${JSON.stringify(method)} should be written ${JSON.stringify(method.toUpperCase())}`, {
          on: 'value', suggestions: [method.toUpperCase()],
        }));
      }
    }
  }
};
