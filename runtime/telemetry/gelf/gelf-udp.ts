import { createSocket, type Socket } from 'node:dgram';
import { lookup } from 'node:dns';
import { randomBytes } from 'node:crypto';
import type { GelfAddress } from './gelf-address.js';
import { gelfDatagrams, GELF_MAX_CHUNKS } from './gelf-chunks.js';
import { dropReporter, GELF_BUFFER_BYTES, type GelfTransport } from './gelf-transport.js';

/**
 * GELF over UDP (`enable_tcp: false`, what KrakenD recommends): the host is
 * resolved once, as go-gelf dials once, and the socket connected to it; each
 * message goes as one datagram or as chunks (gelf-chunks.ts). Lines logged
 * while the name resolves wait (bounded); a name that does not resolve is
 * said once and tried again after RETRY_MS. A datagram the network loses is
 * lost, as UDP logging accepts; the socket's send queue is bounded.
 */
const RETRY_MS = 10_000;
const messageId = () => randomBytes(8);

export function gelfUdp(address: GelfAddress, report: (line: string) => void): GelfTransport {
  let socket: Socket | undefined;
  let ready = false;
  let closed = false;
  let resolving = false;
  let retryAt = 0;
  let waiting: Buffer[][] = [];
  let waitingBytes = 0;
  const drops = dropReporter(report, `the UDP send queue to ${address.host}:${address.port} is over ${GELF_BUFFER_BYTES} bytes`);
  let saidTooLong = false;

  const resolve = () => {
    resolving = true;
    lookup(address.host, (err, ip, family) => {
      resolving = false;
      if (closed) return;
      if (err) {
        retryAt = Date.now() + RETRY_MS;
        waiting = [];
        waitingBytes = 0;
        report(`gelf: cannot resolve ${address.host} (${err.message}); GELF lines are dropped, trying again in ${RETRY_MS / 1000} s`);
        return;
      }
      const s = createSocket(family === 6 ? 'udp6' : 'udp4');
      // An unreachable collector shows up as errors on a connected socket; the datagrams are simply lost.
      s.on('error', () => {});
      s.unref();
      s.connect(address.port, ip, () => {
        if (closed) return void s.close();
        socket = s;
        ready = true;
        for (const datagrams of waiting) put(datagrams);
        waiting = [];
        waitingBytes = 0;
      });
    });
  };

  const put = (datagrams: Buffer[]) => {
    if (socket!.getSendQueueSize() > GELF_BUFFER_BYTES) return drops.dropped();
    drops.delivered();
    for (const d of datagrams) socket!.send(d);
  };

  resolve();
  return {
    send(payload) {
      if (closed) return;
      const datagrams = gelfDatagrams(payload, messageId);
      if (datagrams === undefined) {
        if (!saidTooLong) report(`gelf: a line of ${payload.length} bytes needs more than ${GELF_MAX_CHUNKS} UDP chunks; such lines are not sent`);
        saidTooLong = true;
        return;
      }
      if (ready) return put(datagrams);
      if (!resolving && Date.now() >= retryAt) resolve();
      if (!resolving || waitingBytes + payload.length > GELF_BUFFER_BYTES) return;
      waiting.push(datagrams);
      waitingBytes += payload.length;
    },
    close() {
      closed = true;
      socket?.close();
    },
  };
}
