import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { createLogger } from '../../../runtime/shared/log/logger.js';
import { inwardAddressProblem, keyExchangeGroups, startTlsTerminator, tlsTerminatorConfigFromEnv, type RunningTerminator } from '../../../runtime/zap/tls-terminator.js';

/** The ZAP TLS terminator with a real self-signed certificate, a real TLS client and a real inward TCP server. */
let dir: string;
let inward: Server;
let terminator: RunningTerminator;
const logs: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hgw-tls-'));
  const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=localhost', '-days', '1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')]);
  expect(made.status, made.stderr?.toString()).toBe(0);
  inward = createServer((s) => s.on('data', (d) => s.write(Buffer.concat([Buffer.from('echo:'), d]))));
  await new Promise<void>((r) => inward.listen(0, '127.0.0.1', r));
  const inwardPort = (inward.address() as { port: number }).port;
  terminator = await startTlsTerminator(
    { enabled: true, port: 0, certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem'), internalAddr: `127.0.0.1:${inwardPort}` },
    createLogger({ write: (l) => logs.push(l) }),
  );
});

afterAll(async () => {
  await terminator?.close();
  inward?.close();
  rmSync(dir, { recursive: true, force: true });
});

function talk(maxVersion: 'TLSv1.3' | 'TLSv1.2'): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port: terminator.port, rejectUnauthorized: false, maxVersion }, () => socket.write('ping'));
    socket.once('data', (d) => {
      resolve(`${socket.getProtocol()} ${d.toString()}`);
      socket.end();
    });
    socket.once('error', reject);
  });
}

describe('ZAP TLS terminator', () => {
  it('accepts a TLS 1.3 client and forwards bytes both ways', async () => {
    expect(await talk('TLSv1.3')).toBe('TLSv1.3 echo:ping');
  });

  it('rejects a TLS 1.2 client with a protocol_version alert', async () => {
    const err = await talk('TLSv1.2').then(
      () => undefined,
      (e: NodeJS.ErrnoException) => e,
    );
    // The server's alert 70 (protocol_version), not any failure.
    expect(err?.code).toBe('ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION');
    expect(err?.message).toMatch(/alert protocol version.*SSL alert number 70/);
  });

  it('logs which key exchange it offers (PQ hybrid only where OpenSSL has it)', () => {
    const groups = keyExchangeGroups();
    expect(logs.some((l) => l.includes(groups.postQuantum ? 'X25519MLKEM768' : 'X25519 (this OpenSSL has no X25519MLKEM768)'))).toBe(true);
  });

  it('refuses inward addresses that are not loopback, that point at itself, or that are not host:port', () => {
    expect(inwardAddressProblem('10.0.0.5:9998', 9999)).toMatch(/not loopback/);
    expect(inwardAddressProblem(':9998', 9999)).toMatch(/not loopback/);
    expect(inwardAddressProblem('127.0.0.1:9999', 9999)).toMatch(/forward to itself/);
    expect(inwardAddressProblem('nonsense', 9999)).toMatch(/not host:port/);
    expect(inwardAddressProblem('localhost:9998', 9999)).toBeUndefined();
    expect(inwardAddressProblem('[::1]:9998', 9999)).toBeUndefined();
  });

  it('reads its settings from the environment with the Go defaults', () => {
    expect(tlsTerminatorConfigFromEnv({})).toEqual({ enabled: false, port: 9999, certFile: '/etc/tls/tls.crt', keyFile: '/etc/tls/tls.key', internalAddr: '127.0.0.1:9998' });
    expect(tlsTerminatorConfigFromEnv({ ZAP_LISTENER_ENABLED: 'true', ZAP_LISTENER_PORT: '7000' })).toMatchObject({ enabled: true, port: 7000 });
  });
});
