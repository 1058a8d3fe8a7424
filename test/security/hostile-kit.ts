/**
 * Small real pieces the hostile-input tests share: a raw socket exchange (for
 * requests node:http will not write), a backend that records every request
 * and upgrade it sees, and polling for a state instead of sleeping.
 */
import { createServer, type IncomingMessage } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import type { TestServer } from '../helpers/servers.js';

/** Writes `text` on a fresh connection and resolves with everything read until the server closes it or `quietMs` pass without data. */
export function rawExchange(port: number, text: string | Buffer, quietMs = 300): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    let timer: NodeJS.Timeout | undefined;
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(data);
    };
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(done, quietMs);
    };
    socket.setEncoding('latin1');
    socket.on('data', (c: string) => {
      data += c;
      arm();
    });
    socket.on('close', done);
    socket.on('error', (e) => (data === '' ? reject(e) : done()));
    socket.on('connect', () => {
      socket.write(text);
      arm();
    });
  });
}

/** The status code on the first line of a raw HTTP answer, or 0. */
export function statusOf(raw: string): number {
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(raw);
  return m ? Number(m[1]) : 0;
}

export interface RecordingBackend extends TestServer {
  /** Every request and upgrade head seen, in order. */
  seen: IncomingMessage[];
}

/** A backend that answers 200 `ok` (and 101 to an upgrade, then echoes bytes) and keeps what it saw. */
export async function recordingBackend(): Promise<RecordingBackend> {
  const seen: IncomingMessage[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    seen.push(req);
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  server.on('upgrade', (req: IncomingMessage, socket: Socket) => {
    seen.push(req);
    sockets.add(socket);
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
    socket.pipe(socket);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Header names (lower case) of a received request. */
export const namesOf = (req: IncomingMessage): string[] => req.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
