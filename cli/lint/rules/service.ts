import { isIP } from 'node:net';
import { diagnosticAt } from '../../diagnostics/make.js';
import { str } from '../../config/view.js';
import type { GatewayRule } from '../context.js';

/** Service-level Init rules of Lura. */
export const serviceRule: GatewayRule = ({ doc, config, report }) => {
  const ip = str(config.listen_ip);
  if (ip !== undefined && isIP(ip) === 0) {
    report(diagnosticAt(doc, 'listen-ip-invalid', '/listen_ip', `invalid ip address ${ip}`, {
      on: 'value', hint: 'Use an address such as "0.0.0.0", "127.0.0.1" or "::"; host names are not resolved here.',
    }));
  }
};
