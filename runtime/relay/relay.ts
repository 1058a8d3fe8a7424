import { randomBytes } from 'node:crypto';
import { Server as NetServer } from 'node:net';
import type { Logger } from '../shared/log/logger.js';
import { ZapPeers } from '../upstream/zap/zap-peers.js';
import { decodeForward, decodeForwardResponse, encodeForward, encodeForwardResponse, encodePush, MSG_FORWARD } from '../zap/wire/forward-envelopes.js';
import { isStreamMark, PUSH_CANCEL } from '../zap/wire/push-stream-rules.js';
import { createZapNodeServer, type ZapConnection } from '../zap/wire/zap-connection.js';
import { parseZapMessage, ZapMessageError } from '../zap/wire/zap-message.js';
import { createRelayGate } from './relay-gate.js';
import type { RelayConfig } from './relay-config.js';
import { startProbes } from './relay-probes.js';
import { PushRelay } from './push-relay.js';

/**
 * The Go gateway's default build (hanzo-core §7.1, spec C4) as hgw runs it:
 * a ZAP node that takes Forward envelopes, runs the relay gate, and sends
 * each on — `/v1/base/*` to BASE_ZAP_ADDR, everything else to
 * CLOUD_ZAP_ADDR — returning the peer's Response bytes unchanged and
 * relaying Push frames back; probes on GATEWAY_LISTEN and
 * GATEWAY_HEALTH_LISTEN. Beyond Go: a dropped peer connection is dialled
 * again on the next call (Go caches the peer id and never redials), a peer
 * that cannot be reached or does not answer in time is a 502 with the reason
 * (Go sends nothing and the caller times out), and a drain stops taking
 * calls (503), lets those in flight finish within GATEWAY_SHUTDOWN_TIMEOUT,
 * then closes.
 */
export interface RunningRelay {
  zapPort: number;
  listenPort: number;
  healthPort: number;
  /** Stop taking calls, wait for those in flight (at most `shutdownMs`), close everything. */
  drain(): Promise<void>;
}

export async function startRelay(config: RelayConfig, env: Readonly<Record<string, string | undefined>>, log: Logger): Promise<RunningRelay> {
  const gate = createRelayGate(env, log);
  const peers = new ZapPeers(config.nodeId, log);
  let inFlight = 0;
  let draining = false;
  let settled: (() => void) | undefined;
  const idle = () => inFlight === 0 && pushes.size === 0;
  const done = () => {
    if (settled && idle()) settled();
  };
  const pushes = new PushRelay(`relay-${randomBytes(4).toString('hex')}-`, done);

  const relay = async (caller: ZapConnection, message: Buffer): Promise<Buffer> => {
    const forward = decodeForward(message);
    if (draining) return answer(503, 'draining', 'the gateway is shutting down');
    const verdict = await gate(forward);
    if ('deny' in verdict) return encodeForwardResponse(verdict.deny);
    const [which, addr] = forward.path.startsWith('/v1/base/') ? ['base', config.baseAddr] : ['cloud', config.cloudAddr];
    let peer: ZapConnection;
    try {
      peer = await peers.get(addr);
    } catch (e) {
      log.error(`[RELAY] ${forward.method} ${forward.path}: ${which} at ${addr} unreachable: ${(e as Error).message}`);
      return answer(502, 'peer_unreachable', `${which} at ${addr} cannot be reached: ${(e as Error).message}`);
    }
    const relayConnId = forward.connId !== '' ? pushes.open(caller, forward.connId, peer) : '';
    let reply: Buffer;
    try {
      reply = await peer.call(encodeForward({ ...verdict.pass, connId: relayConnId }), config.callTimeoutMs);
    } catch (e) {
      pushes.close(relayConnId);
      log.error(`[RELAY] ${forward.method} ${forward.path}: ${which} at ${addr}: ${(e as Error).message}`);
      return answer(502, 'peer_failed', `${which} at ${addr}: ${(e as Error).message}`);
    }
    if (relayConnId !== '') {
      if (!streams(reply)) pushes.close(relayConnId);
      // Cancelled by the caller before the Response: the peer had no stream to stop then; it has now.
      else if (!pushes.isOpen(relayConnId)) peer.send(encodePush({ connId: relayConnId, frame: Buffer.alloc(0), encoding: PUSH_CANCEL })).catch(() => {});
    }
    log.debug(`[RELAY] ${forward.method} ${forward.path} → ${which}`);
    return reply;
  };

  const server = createZapNodeServer(config.nodeId, (caller) => {
    caller.on('handlerError', (err: Error) => log.error(`[RELAY] ${caller.peerId}: ${err.message}`));
    caller.setRequestHandler(async (message) => {
      const type = parseZapMessage(message).type;
      if (type !== MSG_FORWARD) throw new ZapMessageError(`no handler for message type ${type}`);
      inFlight++;
      try {
        return await relay(caller, message);
      } finally {
        inFlight--;
        done();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.zapListen.port, config.zapListen.host || undefined, () => resolve());
  });
  const zapPort = (server.address() as { port: number }).port;
  const listen = await startProbes(config.listen, false);
  const health = await startProbes(config.healthListen, true);
  log.info(`[RELAY] node ${config.nodeId} takes Forward envelopes on ${config.zapListen.host || '*'}:${zapPort}; cloud ${config.cloudAddr}, base ${config.baseAddr}; probes on :${listen.port} and :${health.port}`);
  // Dial both peers now, best effort (Go warms them too); a failure is dialled again on the first call.
  for (const addr of [config.cloudAddr, config.baseAddr]) peers.get(addr).catch((e: Error) => log.warn(`[RELAY] ${addr} not reachable yet: ${e.message}`));

  let draining$: Promise<void> | undefined;
  return {
    zapPort,
    listenPort: listen.port,
    healthPort: health.port,
    drain: () =>
      (draining$ ??= (async () => {
        draining = true;
        // Stop listening, keep the connections: calls in flight still answer on them.
        NetServer.prototype.close.call(server);
        if (!idle()) {
          await Promise.race([new Promise<void>((r) => (settled = r)), new Promise<void>((r) => setTimeout(r, config.shutdownMs).unref())]);
        }
        server.close();
        peers.close();
        await Promise.all([listen.close(), health.close()]);
        log.info('[RELAY] stopped');
      })()),
  };
}

function answer(status: number, error: string, message: string): Buffer {
  return encodeForwardResponse({ status, headers: [['Content-Type', 'application/json']], body: Buffer.from(JSON.stringify({ error, message })) });
}

function streams(reply: Buffer): boolean {
  try {
    return decodeForwardResponse(reply).headers.some(([k, v]) => isStreamMark(k, v));
  } catch {
    return false;
  }
}
