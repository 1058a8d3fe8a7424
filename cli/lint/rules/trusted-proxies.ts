/**
 * trusted-proxy-invalid: a `router.trusted_proxies` entry that is neither an
 * IP address nor a CIDR. gin refuses such a list at start-up; hgw drops the
 * entry (trusting less, not more), so the proxy it meant is not believed and
 * its clients all share its address.
 */
import { diagnosticAt } from '../../diagnostics/make.js';
import { obj, strs } from '../../config/view.js';
import { parseIpPrefix } from '../../../runtime/shared/client-ip/ip-prefix.js';
import { ginTrustedProxyCidr } from '../../../runtime/shared/client-ip/trusted-proxies.js';
import type { GatewayRule } from '../context.js';

export const trustedProxiesRule: GatewayRule = ({ doc, config, report }) => {
  const router = obj(obj(config.extra_config).router);
  strs(router.trusted_proxies).forEach((entry, i) => {
    if (parseIpPrefix(ginTrustedProxyCidr(entry)) !== undefined) return;
    report(diagnosticAt(doc, 'trusted-proxy-invalid', `/extra_config/router/trusted_proxies/${i}`, `trusted_proxies entry ${JSON.stringify(entry)} is neither an IP address nor a CIDR: it is dropped, and that proxy's X-Forwarded-For is not believed`, {
      on: 'value',
      hint: 'Write an address ("10.0.0.7", "::1") or a CIDR ("10.0.0.0/8"); host names are not resolved.',
    }));
  });
};
