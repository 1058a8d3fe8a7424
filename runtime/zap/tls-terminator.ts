import { connect, isIP, type Server, type Socket } from 'node:net';
import { createSecureContext, createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { readFileSync } from 'node:fs';
import type { Logger } from '../shared/log/logger.js';
import { hostAndPort } from '../shared/go/split-host-port.js';

/**
 * The ZAP TLS terminator (`StartZapListener`): a public TLS 1.3 listener that
 * copies bytes to and from a plaintext ZAP server on loopback. It offers the
 * post-quantum hybrid group X25519MLKEM768 when the Node/OpenSSL in use knows
 * it (OpenSSL ≥ 3.5) and X25519 otherwise, and says which. It refuses an
 * inward address that is not loopback or that would point back at itself.
 */
export interface TlsTerminatorConfig {
  enabled: boolean;
  port: number;
  certFile: string;
  keyFile: string;
  /** host:port of the plaintext ZAP server. */
  internalAddr: string;
}

export function tlsTerminatorConfigFromEnv(env: Readonly<Record<string, string | undefined>>): TlsTerminatorConfig {
  const port = Number.parseInt(env.ZAP_LISTENER_PORT ?? '', 10);
  return {
    enabled: env.ZAP_LISTENER_ENABLED === 'true',
    port: Number.isInteger(port) ? port : 9999,
    certFile: env.ZAP_TLS_CERT || '/etc/tls/tls.crt',
    keyFile: env.ZAP_TLS_KEY || '/etc/tls/tls.key',
    internalAddr: env.ZAP_INTERNAL_ADDR || '127.0.0.1:9998',
  };
}

/** Why the inward address cannot be used, or undefined when it can. */
export function inwardAddressProblem(internalAddr: string, listenPort: number): string | undefined {
  const inward = hostAndPort(internalAddr);
  if (!inward) return `ZAP_INTERNAL_ADDR ${JSON.stringify(internalAddr)} is not host:port`;
  const { host, port } = inward;
  if (port === listenPort) return `ZAP_INTERNAL_ADDR ${internalAddr} uses the listener's own port ${listenPort}: it would forward to itself`;
  if (!isLoopback(host)) return `ZAP_INTERNAL_ADDR ${internalAddr} is not loopback: the plaintext side must stay on this host`;
  return undefined;
}

function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/** The key-exchange groups to offer: the PQ hybrid first when OpenSSL has it. */
export function keyExchangeGroups(): { ecdhCurve: string; postQuantum: boolean } {
  try {
    createSecureContext({ ecdhCurve: 'X25519MLKEM768' });
    return { ecdhCurve: 'X25519MLKEM768:X25519', postQuantum: true };
  } catch {
    return { ecdhCurve: 'X25519', postQuantum: false };
  }
}

export interface RunningTerminator {
  server: Server;
  port: number;
  close(): Promise<void>;
}

/** Starts the terminator; throws (with the reason) on a refused config, unreadable cert or bind failure. */
export async function startTlsTerminator(cfg: TlsTerminatorConfig, log: Logger): Promise<RunningTerminator> {
  const problem = inwardAddressProblem(cfg.internalAddr, cfg.port);
  if (problem) throw new Error(problem);
  const { host, port: inwardPort } = hostAndPort(cfg.internalAddr)!;
  const groups = keyExchangeGroups();
  const server = createTlsServer(
    { cert: readFileSync(cfg.certFile), key: readFileSync(cfg.keyFile), minVersion: 'TLSv1.3', ecdhCurve: groups.ecdhCurve },
    (client: TLSSocket) => pipeInward(client, host, inwardPort, log),
  );
  server.on('tlsClientError', (e) => log.debug(`[ZAP-TLS] handshake refused: ${e.message}`));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(cfg.port, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as { port: number }).port;
  log.info(`[ZAP-TLS] TLS 1.3 on port ${port} → ${cfg.internalAddr}, key exchange ${groups.postQuantum ? 'X25519MLKEM768 (post-quantum hybrid) then X25519' : 'X25519 (this OpenSSL has no X25519MLKEM768)'}`);
  return {
    server,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function pipeInward(client: TLSSocket, host: string, port: number, log: Logger): void {
  const inward: Socket = connect({ host, port });
  inward.once('error', (e) => {
    log.warn(`[ZAP-TLS] inward ${host}:${port} unreachable: ${e.message}`);
    client.destroy();
  });
  client.once('error', () => inward.destroy());
  client.pipe(inward).pipe(client);
  client.once('close', () => inward.destroy());
  inward.once('close', () => client.destroy());
}
