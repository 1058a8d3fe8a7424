import { diagnosticAt } from '../../diagnostics/make.js';
import { arr, backends, bool, endpoints, has, NS, obj } from '../../config/view.js';
import type { GatewayRule } from '../context.js';
import { HOST_PATTERN } from '../../config/hosts.js';

export const hostsRule: GatewayRule = ({ doc, config, report }) => {
  const service = obj(config);
  const serviceHosts = arr(service.host);
  const checkList = (list: unknown[], pointer: string, disabled: boolean) => {
    if (disabled) return;
    list.forEach((h, i) => {
      if (typeof h !== 'string') return;
      if (!HOST_PATTERN.test(h)) {
        const hint = /^[a-z]+:\/\//i.test(h) && !/^https?:\/\//i.test(h)
          ? 'Only http:// and https:// hosts are proxied; set "disable_host_sanitize": true for other schemes or DNS SRV names.'
          : /^https?:\/\/[^/]+\/.+/.test(h)
            ? 'A host may not carry a path; move the path into url_pattern.'
            : 'Use [http[s]://]name[:port], e.g. "http://users.internal:8080".';
        report(diagnosticAt(doc, 'host-invalid', `${pointer}/${i}`, `host ${JSON.stringify(h)} not valid: invalid host`, { on: 'value', hint }));
      } else if (!/^https?:\/\//i.test(h)) {
        // Lura prepends http:// without a word; on 443 that is almost surely a TLS server spoken to in plain text.
        const tls = /:443\/?$/.test(h);
        report(diagnosticAt(doc, tls ? 'host-scheme-missing-443' : 'host-scheme-missing', `${pointer}/${i}`,
          tls ? `host ${JSON.stringify(h)} has no scheme and port 443: it is called over plain http://` : `host ${JSON.stringify(h)} has no scheme: it is called as http://${h.replace(/\/$/, '')}`,
          { on: 'value', hint: tls ? `Write "https://${h.replace(/\/$/, '')}" if the backend speaks TLS (or "http://…" to say plain HTTP on purpose).` : `Write "http://${h.replace(/\/$/, '')}" (or https://) to say which.` }));
      }
    });
  };
  checkList(serviceHosts, '/host', false);
  for (const ep of endpoints(doc.value)) {
    for (const be of backends(ep)) {
      const own = arr(be.value.host);
      // base-network hosts have their own rule (base-network-host) that requires the scheme.
      const baseNetwork = Object.prototype.hasOwnProperty.call(obj(be.value.extra_config), NS.baseNetwork);
      checkList(own, `${be.pointer}/host`, bool(be.value.disable_host_sanitize) || baseNetwork);
      // A non-array host is a schema-type error; a base_ha backend gets the more specific base-ha-host.
      const absent = !has(be.value, 'host') || (Array.isArray(be.value.host) && be.value.host.length === 0);
      const baseHa = Object.prototype.hasOwnProperty.call(obj(be.value.extra_config), NS.baseHa);
      if (absent && !baseHa && serviceHosts.length === 0) {
        report(diagnosticAt(doc, 'host-missing', has(be.value, 'host') ? `${be.pointer}/host` : be.pointer, `backend ${be.index} of endpoint ${ep.index} has no host and the service defines no default "host"`, {
          hint: 'Add "host": ["http://service:port"] to the backend, or a service-level "host" list.',
        }));
      }
    }
  }
};
