import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Real X.509 material for TLS tests, made with the openssl CLI in a fresh
 * folder: a CA, certificates it signs (server ones for localhost/127.0.0.1,
 * client ones), and an unrelated CA nobody trusts. Paths and PEM text both.
 */
export interface Pair {
  cert: string;
  key: string;
  certPem: string;
  keyPem: string;
}

export interface Pki {
  dir: string;
  ca: Pair;
  /** A second, untrusted CA. */
  otherCa: Pair;
  /** Signed by `ca`, for CN/SAN `names` (default localhost + 127.0.0.1). */
  server(name: string, names?: string[], by?: Pair): Pair;
  /** Signed by `ca` (or `by`), with clientAuth usage. */
  client(name: string, by?: Pair): Pair;
}

function openssl(args: string[], dir: string): void {
  const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
}

function pair(dir: string, name: string): Pair {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  return { cert, key, certPem: readFileSync(cert, 'utf8'), keyPem: readFileSync(key, 'utf8') };
}

function makeCa(dir: string, name: string): Pair {
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.crt`], dir);
  return pair(dir, name);
}

function signed(dir: string, name: string, by: Pair, ext: string): Pair {
  openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.csr`], dir);
  writeFileSync(join(dir, `${name}.ext`), ext);
  openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', by.cert, '-CAkey', by.key, '-CAcreateserial', '-days', '2', '-extfile', `${name}.ext`, '-out', `${name}.crt`], dir);
  return pair(dir, name);
}

export function makePki(): Pki {
  const dir = mkdtempSync(join(tmpdir(), 'hgw-pki-'));
  const ca = makeCa(dir, 'ca');
  const otherCa = makeCa(dir, 'other-ca');
  return {
    dir,
    ca,
    otherCa,
    server: (name, names = ['localhost', '127.0.0.1'], by = ca) =>
      signed(dir, name, by, `basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=${names.map((n) => (/^[\d.]+$/.test(n) ? `IP:${n}` : `DNS:${n}`)).join(',')}\n`),
    client: (name, by = ca) => signed(dir, name, by, 'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n'),
  };
}
