import { describe, expect, it } from 'vitest';
import { base, checkGateway, ids, planOf } from '../helpers/check.js';

const keys = [{ public_key: 'cert.pem', private_key: 'key.pem' }];

describe('tls and client_tls', () => {
  it('accepts KrakenD\'s keys and puts them in the Plan in OpenSSL\'s terms', () => {
    const config = base([], {
      tls: { keys, min_version: 'TLS12', max_version: 'TLS13', cipher_suites: [49199, 52393], curve_preferences: [23, 25], enable_mtls: true, ca_certs: ['ca.pem'], disable_system_ca_pool: true },
      client_tls: { ca_certs: ['backend-ca.pem'], client_certs: [{ certificate: 'c.pem', private_key: 'k.pem' }], min_version: 'TLS12' },
      use_h2c: true,
    });
    expect(checkGateway(config)).toEqual([]);
    const s = planOf(config).service;
    expect(s.tls).toEqual({
      minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3',
      ciphers: 'TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305',
      ecdhCurve: 'P-256:P-521', caCerts: ['ca.pem'], disableSystemCaPool: true, keys: [{ cert: 'cert.pem', key: 'key.pem' }], enableMtls: true,
    });
    expect(s.clientTls).toMatchObject({ minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3', ecdhCurve: 'P-256:P-384:P-521', allowInsecure: false, clientCerts: [{ cert: 'c.pem', key: 'k.pem' }] });
    expect(s.clientTls!.ciphers).toBeUndefined();
    expect(s.useH2c).toBe(true);
  });

  it('serves plain HTTP for a null or disabled block', () => {
    expect(planOf(base([], { tls: null })).service.tls).toBeUndefined();
    expect(planOf(base([], { tls: { keys, disabled: true } })).service.tls).toBeUndefined();
  });

  it('names at its position what OpenSSL cannot do, and what it does instead', () => {
    const ds = checkGateway(base([], { tls: { keys, min_version: 'SSL3.0', cipher_suites: [49199, 4660] } }));
    expect(ids(ds)).toEqual(['tls-unsupported', 'tls-unsupported']);
    expect(ds.map((d) => d.pointer)).toEqual(['/tls/min_version', '/tls/cipher_suites/1']);
    expect(ds[0]!.message).toMatch(/TLS 1\.0 instead/);
    expect(ds[1]!.message).toMatch(/4660 \(0x1234\)/);
    // TLS 1.0 needs OpenSSL's security level lowered, or the handshake fails anyway.
    expect(planOf(base([], { tls: { keys, min_version: 'TLS10', max_version: 'TLS12' } })).service.tls!.ciphers).toBe('DEFAULT:@SECLEVEL=0');
  });

  it('refuses a version range no handshake fits, default max_version included', () => {
    expect(ids(checkGateway(base([], { tls: { keys, min_version: 'TLS13', max_version: 'TLS12' } })))).toEqual(['tls-versions']);
    expect(ids(checkGateway(base([], { client_tls: { max_version: 'TLS11', min_version: 'TLS12' } })))).toEqual(['tls-versions']);
  });

  it('warns when backend certificates are not verified', () => {
    const ds = checkGateway(base([], { client_tls: { allow_insecure_connections: true } }));
    expect(ids(ds)).toEqual(['tls-insecure']);
    expect(ds[0]!.pointer).toBe('/client_tls/allow_insecure_connections');
  });
});
