import type { ClientTlsPlan, ServerTlsPlan, TlsKeyPair, TlsPlan } from '../../runtime/plan/plan.js';
import { arr, bool, isObj, obj, str, strs, type Obj } from './view.js';

/**
 * KrakenD's `tls` / `client_tls` in OpenSSL's terms. KrakenD writes Go's
 * crypto/tls values (cipher suite ids, CurveID numbers, `TLS12`); Node speaks
 * OpenSSL names. The tables here are the one place that maps them, used by
 * the Plan and by the lint rule that reports what cannot be mapped.
 */

/** Go's crypto/tls cipher suite ids (IANA numbers) → OpenSSL names. */
export const CIPHER_SUITES: ReadonlyMap<number, string> = new Map([
  [0x0005, 'RC4-SHA'],
  [0x000a, 'DES-CBC3-SHA'],
  [0x002f, 'AES128-SHA'],
  [0x0035, 'AES256-SHA'],
  [0x003c, 'AES128-SHA256'],
  [0x009c, 'AES128-GCM-SHA256'],
  [0x009d, 'AES256-GCM-SHA384'],
  [0xc007, 'ECDHE-ECDSA-RC4-SHA'],
  [0xc009, 'ECDHE-ECDSA-AES128-SHA'],
  [0xc00a, 'ECDHE-ECDSA-AES256-SHA'],
  [0xc011, 'ECDHE-RSA-RC4-SHA'],
  [0xc012, 'ECDHE-RSA-DES-CBC3-SHA'],
  [0xc013, 'ECDHE-RSA-AES128-SHA'],
  [0xc014, 'ECDHE-RSA-AES256-SHA'],
  [0xc023, 'ECDHE-ECDSA-AES128-SHA256'],
  [0xc027, 'ECDHE-RSA-AES128-SHA256'],
  [0xc02b, 'ECDHE-ECDSA-AES128-GCM-SHA256'],
  [0xc02c, 'ECDHE-ECDSA-AES256-GCM-SHA384'],
  [0xc02f, 'ECDHE-RSA-AES128-GCM-SHA256'],
  [0xc030, 'ECDHE-RSA-AES256-GCM-SHA384'],
  [0xcca8, 'ECDHE-RSA-CHACHA20-POLY1305'],
  [0xcca9, 'ECDHE-ECDSA-CHACHA20-POLY1305'],
  [0x1301, 'TLS_AES_128_GCM_SHA256'],
  [0x1302, 'TLS_AES_256_GCM_SHA384'],
  [0x1303, 'TLS_CHACHA20_POLY1305_SHA256'],
]);

/** Go's tls.CurveID → OpenSSL group names. */
export const CURVES: ReadonlyMap<number, string> = new Map([
  [23, 'P-256'],
  [24, 'P-384'],
  [25, 'P-521'],
  [29, 'X25519'],
]);

type NodeTlsVersion = TlsPlan['minVersion'];

/** KrakenD's version names → Node's. SSL 3.0 has no Node equivalent (OpenSSL 3 dropped it). */
export const TLS_VERSIONS: Readonly<Record<string, NodeTlsVersion | undefined>> = {
  'SSL3.0': undefined,
  TLS10: 'TLSv1',
  TLS11: 'TLSv1.1',
  TLS12: 'TLSv1.2',
  TLS13: 'TLSv1.3',
};

const VERSION_ORDER: readonly NodeTlsVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];
const TLS13_SUITES = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'];

/** KrakenD's default for both blocks: TLS 1.3 only, on P-256/P-384/P-521. */
const DEFAULT_VERSION = 'TLS13';
const DEFAULT_CURVES = [23, 24, 25];

function version(v: unknown): NodeTlsVersion {
  // SSL 3.0 (or a value the schema already refused) becomes the oldest version Node has.
  return TLS_VERSIONS[str(v) ?? DEFAULT_VERSION] ?? 'TLSv1';
}

function common(c: Obj): TlsPlan {
  const minVersion = version(c.min_version);
  const maxVersion = version(c.max_version);
  const curves = Array.isArray(c.curve_preferences) ? c.curve_preferences : DEFAULT_CURVES;
  const plan: TlsPlan = {
    minVersion,
    maxVersion,
    ecdhCurve: curves.map((id) => CURVES.get(id as number)).filter((n): n is string => n !== undefined).join(':') || 'auto',
    caCerts: strs(c.ca_certs),
    disableSystemCaPool: bool(c.disable_system_ca_pool),
  };
  if (Array.isArray(c.cipher_suites)) {
    // Go cannot turn TLS 1.3's suites off (its CipherSuites is for 1.2 and older); neither do we.
    const older = c.cipher_suites.map((id) => CIPHER_SUITES.get(id as number)).filter((n): n is string => n !== undefined && !n.startsWith('TLS_'));
    plan.ciphers = [...TLS13_SUITES, ...older].join(':');
  }
  // OpenSSL 3's default security level refuses TLS 1.0/1.1 handshakes (SHA-1 signatures); asking for them means this.
  if (VERSION_ORDER.indexOf(minVersion) < VERSION_ORDER.indexOf('TLSv1.2')) plan.ciphers = `${plan.ciphers ?? 'DEFAULT'}:@SECLEVEL=0`;
  return plan;
}

function keyPairs(list: unknown, certKey: string): TlsKeyPair[] {
  return arr(list)
    .filter(isObj)
    .map((k) => ({ cert: str(k[certKey]) ?? '', key: str(k.private_key) ?? '' }))
    .filter((k) => k.cert !== '' && k.key !== '');
}

/** Service `tls` → the listener's settings; undefined when TLS is off (no block, `null`, `disabled`). */
export function serverTlsPlan(value: unknown): ServerTlsPlan | undefined {
  if (!isObj(value) || bool(value.disabled)) return undefined;
  return { ...common(value), keys: keyPairs(value.keys, 'public_key'), enableMtls: bool(value.enable_mtls) };
}

/** Service `client_tls` → the settings of every https backend connection. */
export function clientTlsPlan(value: unknown): ClientTlsPlan | undefined {
  if (!isObj(value)) return undefined;
  return { ...common(value), allowInsecure: bool(value.allow_insecure_connections), clientCerts: keyPairs(value.client_certs, 'certificate') };
}

/** What in a `tls`/`client_tls` block Node cannot do, by JSON pointer below the block. */
export function unmappedTls(value: unknown): Array<{ pointer: string; message: string }> {
  const c = obj(value);
  const out: Array<{ pointer: string; message: string }> = [];
  for (const key of ['min_version', 'max_version']) {
    if (c[key] === 'SSL3.0') out.push({ pointer: `/${key}`, message: `${key} SSL3.0: Node's OpenSSL has no SSL 3.0; hgw uses TLS 1.0 instead` });
  }
  arr(c.cipher_suites).forEach((id, i) => {
    if (typeof id === 'number' && !CIPHER_SUITES.has(id)) out.push({ pointer: `/cipher_suites/${i}`, message: `cipher suite ${id} (0x${id.toString(16).padStart(4, '0')}) is not one Go's crypto/tls implements; hgw leaves it out` });
  });
  arr(c.curve_preferences).forEach((id, i) => {
    if (typeof id === 'number' && !CURVES.has(id)) out.push({ pointer: `/curve_preferences/${i}`, message: `curve ${id} is not one Go's crypto/tls implements; hgw leaves it out` });
  });
  return out;
}

/** True when min_version is above max_version: no handshake can succeed. */
export function versionsInverted(value: unknown): boolean {
  const c = obj(value);
  return VERSION_ORDER.indexOf(version(c.min_version)) > VERSION_ORDER.indexOf(version(c.max_version));
}
