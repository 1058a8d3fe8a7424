import type { ConnectionOptions } from 'node:tls';
import type { ClientTlsPlan } from '../../plan/plan.js';
import { protocolOptions, readPem, trustedCas } from '../../core/tls-options.js';

/**
 * Service `client_tls` as the TLS options of undici's connector: the CA pool
 * backends are verified against, `allow_insecure_connections`, the client
 * certificates offered to backends that ask for one, versions, ciphers and
 * curves. Files are read once, when the pools are made.
 */
export function clientTlsOptions(plan: ClientTlsPlan | undefined): ConnectionOptions {
  if (!plan) return {};
  const ca = trustedCas(plan);
  // Go offers the first certificate that fits the server's request; Node offers one, so the first pair is it.
  const pair = plan.clientCerts[0];
  return {
    ...protocolOptions(plan),
    ...(ca ? { ca } : {}),
    ...(pair ? { cert: readPem(pair.cert), key: readPem(pair.key) } : {}),
    rejectUnauthorized: !plan.allowInsecure,
  };
}
