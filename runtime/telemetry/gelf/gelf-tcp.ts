import { connect, type Socket } from 'node:net';
import type { GelfAddress } from './gelf-address.js';
import { dropReporter, GELF_BUFFER_BYTES, type GelfTransport } from './gelf-transport.js';

/**
 * GELF over TCP (`enable_tcp: true`): messages on one connection, each ended
 * by a null byte (JSON escapes any NUL inside, so none can split a message).
 * Lines wait while the connection is being made; a connection that fails or
 * drops is made again after a pause that doubles up to MAX_PAUSE_MS, and the
 * outage is said once. A connection counts as back only once it has stayed
 * up STABLE_MS: a collector (or a balancer in front of it) that accepts and
 * hangs up at once is one outage with growing pauses, not a reconnect loop
 * that logs twice a second. What waits — in the socket or before it
 * connects — is bounded by GELF_BUFFER_BYTES; past it lines are dropped.
 */
const FIRST_PAUSE_MS = 500;
const MAX_PAUSE_MS = 30_000;
const STABLE_MS = 1000;
const NUL = Buffer.from([0]);

export function gelfTcp(address: GelfAddress, report: (line: string) => void): GelfTransport {
  const where = `${address.host}:${address.port}`;
  let socket: Socket | undefined;
  let connected = false;
  let closed = false;
  let pause = FIRST_PAUSE_MS;
  let down = false;
  let timer: NodeJS.Timeout | undefined;
  let stable: NodeJS.Timeout | undefined;
  let waiting: Buffer[] = [];
  let waitingBytes = 0;
  const drops = dropReporter(report, `more than ${GELF_BUFFER_BYTES} bytes wait for ${where}`);

  const open = () => {
    timer = undefined;
    const s = connect({ host: address.host, port: address.port });
    socket = s;
    s.unref();
    s.setNoDelay(true);
    s.resume(); // a collector sends nothing worth reading; never let it pile up
    s.on('error', (e) => {
      if (!down && !closed) report(`gelf: connection to ${where} failed (${e.message}); lines wait, and it is tried again`);
      down = true;
    });
    s.on('connect', () => {
      connected = true;
      if (closed) return; // close() handed the waiting lines to the socket already
      for (const frame of waiting) s.write(frame);
      waiting = [];
      waitingBytes = 0;
      stable = setTimeout(() => {
        pause = FIRST_PAUSE_MS;
        if (down) report(`gelf: connected to ${where} again`);
        down = false;
      }, STABLE_MS);
      stable.unref();
    });
    s.on('close', () => {
      connected = false;
      socket = undefined;
      clearTimeout(stable);
      if (closed) return;
      if (!down) report(`gelf: connection to ${where} closed; lines wait, and it is made again`);
      down = true;
      timer = setTimeout(open, pause);
      timer.unref();
      pause = Math.min(pause * 2, MAX_PAUSE_MS);
    });
  };

  open();
  return {
    send(payload) {
      if (closed) return;
      const frame = Buffer.concat([payload, NUL]);
      if (connected && socket!.writableLength + frame.length <= GELF_BUFFER_BYTES) {
        drops.delivered();
        socket!.write(frame);
      } else if (!connected && waitingBytes + frame.length <= GELF_BUFFER_BYTES) {
        waiting.push(frame);
        waitingBytes += frame.length;
      } else drops.dropped();
    },
    close() {
      closed = true;
      clearTimeout(timer);
      clearTimeout(stable);
      // A socket still connecting takes the waiting lines and sends them once it connects; then it ends.
      if (socket && !connected) for (const frame of waiting) socket.write(frame);
      waiting = [];
      socket?.end();
    },
  };
}
