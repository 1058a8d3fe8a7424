import { readFileSync } from 'node:fs';
import { createSecureContext, rootCertificates, type SecureContext, type SecureContextOptions, type TlsOptions } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import type { ServerTlsPlan, TlsPlan } from '../plan/plan.js';

/**
 * Service `tls` as Node's TLS server options. Files are read here, at start
 * and on reload, relative to the working directory as KrakenD reads them.
 * Several key pairs are chosen per connection from the client's SNI (the
 * first whose names match, else the first), as Go's crypto/tls chooses.
 */

/** PEM files bigger than this are not certificates; refuse before reading them whole. */
const MAX_PEM_BYTES = 1 << 20;

export function readPem(file: string): Buffer {
  const data = readFileSync(file);
  if (data.length > MAX_PEM_BYTES) throw Object.assign(new Error(`${file}: ${data.length} bytes is not a PEM file (limit ${MAX_PEM_BYTES})`), { code: 'HGW_TLS_FILE' });
  return data;
}

/** The trust store for certificates the peer presents: ca_certs, plus the system's unless disabled. */
export function trustedCas(plan: TlsPlan): string[] | undefined {
  if (plan.caCerts.length === 0 && !plan.disableSystemCaPool) return undefined; // Node's own default store
  const own = plan.caCerts.map((f) => readPem(f).toString('utf8'));
  return plan.disableSystemCaPool ? own : [...rootCertificates, ...own];
}

/** Versions, ciphers and curves shared by the server and the backend client. */
export function protocolOptions(plan: TlsPlan): SecureContextOptions {
  return {
    minVersion: plan.minVersion,
    maxVersion: plan.maxVersion,
    ecdhCurve: plan.ecdhCurve,
    ...(plan.ciphers ? { ciphers: plan.ciphers } : {}),
  };
}

interface ServedKey {
  x509: X509Certificate;
  context: SecureContext;
}

/** Everything https.createServer needs for the plan, files read now. Call again to reload. */
export function serverTlsOptions(plan: ServerTlsPlan): TlsOptions {
  const protocol = protocolOptions(plan);
  const ca = plan.enableMtls ? trustedCas(plan) : undefined;
  const pairs = plan.keys.map((k) => ({ cert: readPem(k.cert), key: readPem(k.key) }));
  if (pairs.length === 0) throw Object.assign(new Error('tls: no key pair to serve'), { code: 'HGW_TLS_FILE' });
  const served: ServedKey[] = pairs.map((p) => ({ x509: new X509Certificate(p.cert), context: createSecureContext({ ...protocol, ...p, ...(ca ? { ca } : {}) }) }));
  return {
    ...protocol,
    cert: pairs[0]!.cert,
    key: pairs[0]!.key,
    ...(ca ? { ca } : {}),
    // enable_mtls: Go's RequireAndVerifyClientCert.
    requestCert: plan.enableMtls,
    rejectUnauthorized: plan.enableMtls,
    ...(served.length > 1 ? { SNICallback: (name: string, cb: (err: Error | null, ctx?: SecureContext) => void) => cb(null, pick(served, name)) } : {}),
  };
}

function pick(served: readonly ServedKey[], name: string): SecureContext {
  for (const s of served) if (s.x509.checkHost(name) !== undefined) return s.context;
  return served[0]!.context;
}
