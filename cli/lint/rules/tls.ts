import { diagnosticAt } from '../../diagnostics/make.js';
import { bool, isObj, obj } from '../../config/view.js';
import { unmappedTls, versionsInverted } from '../../config/tls.js';
import type { GatewayRule } from '../context.js';

/**
 * Service `tls` and `client_tls`: what Node's OpenSSL cannot do (SSL 3.0, a
 * cipher suite or curve id Go does not know) is named at its position, a
 * version range no handshake fits is an error, and skipping backend
 * certificate checks is a warning.
 */
export const tlsRule: GatewayRule = ({ doc, config, report }) => {
  for (const block of ['tls', 'client_tls'] as const) {
    const value = config[block];
    if (!isObj(value) || (block === 'tls' && bool(value.disabled))) continue;
    for (const u of unmappedTls(value)) report(diagnosticAt(doc, 'tls-unsupported', `/${block}${u.pointer}`, u.message, { on: 'value' }));
    if (versionsInverted(value)) {
      report(diagnosticAt(doc, 'tls-versions', `/${block}/min_version`, `min_version ${String(obj(value).min_version)} is above max_version ${String(obj(value).max_version ?? 'TLS13')}: no handshake can succeed`, { on: 'value' }));
    }
  }
  if (bool(obj(config.client_tls).allow_insecure_connections)) {
    report(diagnosticAt(doc, 'tls-insecure', '/client_tls/allow_insecure_connections', 'backend certificates are not verified: anyone on the path to a backend can read and change its traffic', {
      on: 'value', hint: 'Trust the backend\'s private CA with client_tls.ca_certs instead.',
    }));
  }
};
