/**
 * A ZAP peer written from the spec alone (hanzo-auth-widget-zap.md C1, C2,
 * C4), sharing no code with hgw's runtime, so a test through it is evidence
 * that hgw speaks what a Hanzo service speaks — not that hgw agrees with
 * itself. It plays a service behind `forward.Serve`:
 *
 *  - C2 transport: `[u32 LE length][payload]` frames (10 MiB cap); the
 *    dialer's 80-byte handshake (node id at object bytes 0–59, its length as
 *    u32 at 60) answered with its own; calls `[u32 reqID][u32 flag]` with
 *    flag 1 = request, 2 = response; a message type with no handler gets no
 *    reply.
 *  - C4 Forward (type 0x80, dataSize 72) in, Response (dataSize 24) out.
 *  - forward.Serve rules: method default GET, path default `/`; the client
 *    headers re-added; then `X-Org-Id` / `X-User-Id` set from TenantID /
 *    UserID when non-empty, `X-User-IsAdmin` always `true|false`,
 *    `X-User-Permissions` always the decimal value; the service's answer is
 *    read whole and returned with its headers (minus Transfer-Encoding, which
 *    Go's client moves out of the header map).
 *
 * Every decoded Forward is recorded in `forwards`.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { request as httpRequest } from 'node:http';

export interface SeenForward {
  isAdmin: boolean;
  permissions: bigint;
  tenantId: string;
  userId: string;
  method: string;
  path: string;
  connId: string;
  headers: Record<string, string[]>;
  body: Buffer;
}

export interface SpecPeer {
  port: number;
  forwards: SeenForward[];
  close(): Promise<void>;
}

const MAX_FRAME = 10 * 1024 * 1024;

export async function startSpecPeer(nodeId: string, serviceUrl: string, port = 0): Promise<SpecPeer> {
  const forwards: SeenForward[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let buffered = Buffer.alloc(0);
    let handshaken = false;
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 4) {
        const length = buffered.readUInt32LE(0);
        if (length > MAX_FRAME) return void socket.destroy();
        if (buffered.length < 4 + length) return;
        const payload = buffered.subarray(4, 4 + length);
        buffered = buffered.subarray(4 + length);
        if (!handshaken) {
          const idLength = payload.readUInt32LE(16 + 60);
          if (idLength < 1 || idLength > 60) return void socket.destroy();
          socket.write(frame(handshake(nodeId)));
          handshaken = true;
          continue;
        }
        const reqId = payload.readUInt32LE(0);
        const flag = payload.readUInt32LE(4);
        const message = payload.subarray(8);
        if (flag !== 1 || message.readUInt16LE(6) >> 8 !== 0x80) continue; // not a Forward call: dropped
        const forward = readForward(message);
        forwards.push(forward);
        void serve(serviceUrl, forward).then((reply) => {
          const head = Buffer.alloc(8);
          head.writeUInt32LE(reqId, 0);
          head.writeUInt32LE(2, 4);
          socket.write(frame(Buffer.concat([head, reply])));
        });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    forwards,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function frame(payload: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt32LE(payload.length, 0);
  return Buffer.concat([head, payload]);
}

/** C1 header: magic, version 1, flags = type << 8, root at 16, size. */
function header(type: number, size: number): Buffer {
  const h = Buffer.alloc(16);
  h.write('ZAP\0', 0, 'latin1');
  h.writeUInt16LE(1, 4);
  h.writeUInt16LE(type << 8, 6);
  h.writeUInt32LE(16, 8);
  h.writeUInt32LE(size, 12);
  return h;
}

/** C2 handshake: 16-byte header + 64-byte object, flags 0. */
function handshake(nodeId: string): Buffer {
  const object = Buffer.alloc(64);
  const id = Buffer.from(nodeId, 'utf8');
  id.copy(object, 0, 0, 60);
  object.writeUInt32LE(Math.min(id.length, 60), 60);
  return Buffer.concat([header(0, 80), object]);
}

/** A slot `{relOffset i32, length u32}` at `at`, relative to itself; relOffset 0 = empty. */
function slot(message: Buffer, at: number): Buffer {
  const rel = message.readInt32LE(at);
  const length = message.readUInt32LE(at + 4);
  return rel === 0 ? Buffer.alloc(0) : message.subarray(at + rel, at + rel + length);
}

function readForward(message: Buffer): SeenForward {
  const root = message.readUInt32LE(8);
  const text = (field: number) => slot(message, root + field).toString('utf8');
  const headersJson = slot(message, root + 56);
  return {
    isAdmin: message[root] !== 0,
    permissions: message.readBigInt64LE(root + 8),
    tenantId: text(16),
    userId: text(24),
    method: text(32) || 'GET',
    path: text(40) || '/',
    connId: text(48),
    headers: headersJson.length === 0 ? {} : (JSON.parse(headersJson.toString('utf8')) as Record<string, string[]>),
    body: Buffer.from(slot(message, root + 64)),
  };
}

/** Response object, dataSize 24: Status u32 @0, Body @8, Headers @16; tails after the fixed section. */
function writeResponse(status: number, body: Buffer, headers: Record<string, string[]>): Buffer {
  const json = Buffer.from(JSON.stringify(headers), 'utf8');
  const fixed = Buffer.alloc(24);
  fixed.writeUInt32LE(status, 0);
  const tailsAt = 16 + 24;
  if (body.length > 0) {
    fixed.writeInt32LE(tailsAt - (16 + 8), 8);
    fixed.writeUInt32LE(body.length, 12);
  }
  if (json.length > 0) {
    fixed.writeInt32LE(tailsAt + body.length - (16 + 16), 16);
    fixed.writeUInt32LE(json.length, 20);
  }
  const size = tailsAt + body.length + json.length;
  return Buffer.concat([header(0x80, size), fixed, body, json]);
}

/** forward.Serve: the Forward as an HTTP request to the service, the answer read whole. */
function serve(serviceUrl: string, f: SeenForward): Promise<Buffer> {
  // Go's client writes Host from the URL; Node's does not when headers come as a list.
  const lines: string[] = ['Host', new URL(serviceUrl).host];
  for (const [name, values] of Object.entries(f.headers)) for (const v of values) if (name.toLowerCase() !== 'host') lines.push(name, v);
  const set = (name: string, value: string) => {
    for (let i = lines.length - 2; i >= 0; i -= 2) if (lines[i]!.toLowerCase() === name.toLowerCase()) lines.splice(i, 2);
    lines.push(name, value);
  };
  if (f.tenantId !== '') set('X-Org-Id', f.tenantId);
  if (f.userId !== '') set('X-User-Id', f.userId);
  set('X-User-IsAdmin', String(f.isAdmin));
  set('X-User-Permissions', f.permissions.toString(10));
  return new Promise((resolve) => {
    const req = httpRequest(`${serviceUrl}${f.path}`, { method: f.method, headers: lines }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const headers: Record<string, string[]> = {};
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          const name = res.rawHeaders[i]!;
          if (name.toLowerCase() === 'transfer-encoding') continue;
          (headers[name] ??= []).push(res.rawHeaders[i + 1]!);
        }
        resolve(writeResponse(res.statusCode ?? 502, Buffer.concat(chunks), headers));
      });
    });
    req.on('error', (e) => resolve(writeResponse(502, Buffer.from(e.message), {})));
    req.end(f.body);
  });
}
