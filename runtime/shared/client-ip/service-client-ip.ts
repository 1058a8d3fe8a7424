/**
 * The client IP a gateway writes into the backend's X-Forwarded-For (and its
 * access log), as the service's router settings and profile decide it.
 *
 * - Plain KrakenD with no `router.trusted_proxies`: gin's ClientIP with
 *   every proxy trusted — the left-most X-Forwarded-For entry, else
 *   X-Real-IP, else the peer (client-ip.ts computes it where it is read; no
 *   per-request work here).
 * - `router.trusted_proxies` set (either profile): gin's ClientIP with those
 *   proxies: the headers of `remote_ip_headers` are believed only from a
 *   trusted peer, and each is walked right to left to the first untrusted hop;
 *   `forwarded_by_client_ip: false` makes the peer the client.
 * - The hanzo profile with no `router.trusted_proxies`: the Go gateway's own
 *   client IP (GATEWAY_TRUSTED_PROXIES, default loopback and private ranges),
 *   the one its rate limits and widget gate key on. The gateway is the
 *   authority for X-Forwarded-For, so a client outside those ranges cannot
 *   name its own address to a backend (Lura would pass the left-most entry).
 */
import type { IncomingMessage } from 'node:http';
import type { ServicePlan } from '../../plan/plan.js';
import { firstRequestHeader } from '../headers/request-header-lines.js';
import { clientIpFromChain } from './client-ip-from-chain.js';
import { ginTrustedProxyCidr, parseTrustedProxies, trustedProxiesFromEnv } from './trusted-proxies.js';

export type ClientIpPolicy = (req: IncomingMessage) => string;

/** The policy of a service, or undefined for Lura's default (nothing to do per request). */
export function serviceClientIp(service: Pick<ServicePlan, 'router' | 'profile'>, env: Readonly<Record<string, string | undefined>>): ClientIpPolicy | undefined {
  const r = service.router;
  if (r.trustedProxies.length > 0) {
    const trusted = parseTrustedProxies(r.trustedProxies.map(ginTrustedProxyCidr));
    const headers = r.forwardedByClientIp ? r.remoteIpHeaders.map((h) => h.toLowerCase()) : [];
    return (req) => {
      const peer = req.socket?.remoteAddress ?? '';
      // The peer's own address: the answer when it is untrusted, or when no header holds a valid hop.
      const self = clientIpFromChain(trusted, peer, '');
      for (const name of headers) {
        const value = firstRequestHeader(req, name);
        if (value === '') continue;
        const ip = clientIpFromChain(trusted, peer, value);
        if (ip !== self) return ip;
      }
      return self;
    };
  }
  if (service.profile?.name !== 'hanzo') return undefined;
  const trusted = trustedProxiesFromEnv(env);
  if (!r.forwardedByClientIp) return (req) => clientIpFromChain(trusted, req.socket?.remoteAddress ?? '', '');
  return (req) => clientIpFromChain(trusted, req.socket?.remoteAddress ?? '', firstRequestHeader(req, 'x-forwarded-for'));
}
