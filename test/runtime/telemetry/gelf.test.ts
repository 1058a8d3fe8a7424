import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { hostname } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { base, checkGateway, planOf } from '../../helpers/check.js';
import { startRuntime } from '../../helpers/gateway.js';
import { request, startServer } from '../../helpers/servers.js';
import { planWiring } from '../../../cli/codegen/plan-wiring.js';
import { gelfDatagrams, GELF_DATAGRAM_BYTES, GELF_MAX_CHUNKS } from '../../../runtime/telemetry/gelf/gelf-chunks.js';
import { gelfTcp } from '../../../runtime/telemetry/gelf/gelf-tcp.js';
import { gelfUdp } from '../../../runtime/telemetry/gelf/gelf-udp.js';

/**
 * `telemetry/gelf` against real collectors on 127.0.0.1: a UDP socket that
 * reassembles GELF chunks as Graylog does, and a TCP server that splits the
 * stream at null bytes; what arrives is parsed as GELF JSON.
 */
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

type Gelf = Record<string, unknown>;

/** A GELF UDP input: whole datagrams are messages; chunks are put back together by message id. */
async function udpCollector(): Promise<{ port: number; messages: Gelf[]; datagrams: number }> {
  const socket: UdpSocket = createSocket('udp4');
  const state = { port: 0, messages: [] as Gelf[], datagrams: 0 };
  const partial = new Map<string, Buffer[]>();
  socket.on('message', (d: Buffer) => {
    state.datagrams++;
    if (d[0] !== 0x1e || d[1] !== 0x0f) return void state.messages.push(JSON.parse(d.toString('utf8')) as Gelf);
    const id = d.subarray(2, 10).toString('hex');
    const parts = partial.get(id) ?? new Array<Buffer>(d[11]!);
    parts[d[10]!] = d.subarray(12);
    partial.set(id, parts);
    if (parts.filter(Boolean).length === d[11]) {
      partial.delete(id);
      state.messages.push(JSON.parse(Buffer.concat(parts).toString('utf8')) as Gelf);
    }
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  state.port = socket.address().port;
  cleanups.push(() => new Promise<void>((r) => socket.close(() => r())));
  return state;
}

/** A GELF TCP input: messages end at a null byte. */
async function tcpCollector(port = 0): Promise<{ port: number; messages: Gelf[]; close(): Promise<void> }> {
  const messages: Gelf[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((c) => {
    sockets.add(c);
    c.on('close', () => sockets.delete(c));
    let buffered = Buffer.alloc(0);
    c.on('data', (d: Buffer) => {
      buffered = Buffer.concat([buffered, d]);
      for (let nul = buffered.indexOf(0); nul !== -1; nul = buffered.indexOf(0)) {
        messages.push(JSON.parse(buffered.subarray(0, nul).toString('utf8')) as Gelf);
        buffered = buffered.subarray(nul + 1);
      }
    });
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  const close = () =>
    new Promise<void>((r) => {
      if (!server.listening) return r();
      server.close(() => r());
      for (const c of sockets) c.destroy();
    });
  cleanups.push(close);
  return { port: (server.address() as AddressInfo).port, messages, close };
}

async function until<T>(what: string, get: () => T | undefined): Promise<T> {
  for (let i = 0; i < 500; i++) {
    const v = get();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function gatewayWith(gelf: Record<string, unknown>, logging: Record<string, unknown> | undefined = { level: 'INFO', prefix: '[GW]' }) {
  const backend = await startServer((_q, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}'));
  cleanups.push(() => backend.close());
  const config = base([{ endpoint: '/x', backend: [{ host: [backend.url], url_pattern: '/x' }] }], {
    extra_config: { 'telemetry/gelf': gelf, ...(logging ? { 'telemetry/logging': logging } : {}) },
  });
  const gw = await startRuntime(config, { profile: 'hanzo' });
  cleanups.push(() => gw.close());
  return gw;
}

const accessOf = (messages: Gelf[]) => messages.find((m) => m._status !== undefined);

describe('telemetry/gelf over UDP', () => {
  it('sends application and access lines as GELF 1.1 JSON, with level, host, module and the access fields', async () => {
    const collector = await udpCollector();
    const gw = await gatewayWith({ address: `127.0.0.1:${collector.port}`, enable_tcp: false });
    await request(`${gw.url}/x`, { headers: { 'X-Request-ID': 'trace-gelf-1' } });
    const started = await until('the start-up line', () => collector.messages.find((m) => String(m.short_message).includes('listening on port')));
    expect(started).toMatchObject({ version: '1.1', host: hostname(), level: 6, _module: 'GW' });
    // The line's text only: KrakenD formats GELF lines as %{message}, without prefix or time.
    expect(String(started.short_message)).toMatch(/^gateway: 1 endpoint\(s\) listening on port \d+/);
    expect(typeof started.timestamp).toBe('number');
    expect(Math.abs((started.timestamp as number) - Date.now() / 1000)).toBeLessThan(600);
    const access = await until('the access line', () => accessOf(collector.messages));
    expect(access).toMatchObject({ level: 6, _status: 200, _method: 'GET', _path: '/x', _client_ip: '127.0.0.1', _request_id: 'trace-gelf-1' });
    expect(String(access.short_message)).toMatch(/^\[ACCESS\] 200 \| /);
  });

  it('sends only what telemetry/logging\'s level lets through', async () => {
    const collector = await udpCollector();
    const gw = await gatewayWith({ address: `127.0.0.1:${collector.port}`, enable_tcp: false }, { level: 'ERROR' });
    await request(`${gw.url}/x`);
    // A TCP collector would show order; here a second gateway at INFO proves datagrams do arrive at this port meanwhile.
    const witness = await gatewayWith({ address: `127.0.0.1:${collector.port}`, enable_tcp: false }, { level: 'INFO', prefix: '[WITNESS]' });
    await request(`${witness.url}/x`);
    await until('the witness access line', () => accessOf(collector.messages));
    expect(collector.messages.filter((m) => m._module !== 'WITNESS')).toEqual([]);
  });

  it('chunks a message over 8192 bytes per the GELF spec, and the collector reassembles it', async () => {
    const collector = await udpCollector();
    const reports: string[] = [];
    const udp = gelfUdp({ host: '127.0.0.1', port: collector.port }, (l) => reports.push(l));
    cleanups.push(() => udp.close());
    const long = JSON.stringify({ version: '1.1', host: 'h', short_message: 'x'.repeat(20_000) });
    udp.send(Buffer.from(long));
    udp.send(Buffer.from(JSON.stringify({ version: '1.1', host: 'h', short_message: 'y'.repeat(GELF_MAX_CHUNKS * GELF_DATAGRAM_BYTES) })));
    udp.send(Buffer.from('{"short_message":"small"}'));
    await until('both sendable messages', () => (collector.messages.length >= 2 ? true : undefined));
    expect(collector.messages.map((m) => String(m.short_message).slice(0, 5))).toEqual(['xxxxx', 'small']);
    expect((collector.messages[0]!.short_message as string).length).toBe(20_000);
    expect(collector.datagrams).toBe(3 + 1);
    expect(reports).toEqual([expect.stringMatching(/needs more than 128 UDP chunks/)]);
  });

  it('lays chunks out as the spec says: magic, 8-byte id, sequence, count; at most 8192 bytes each', () => {
    const payload = Buffer.alloc(3 * 8180 + 1, 7);
    const id = () => Buffer.from('0102030405060708', 'hex');
    const chunks = gelfDatagrams(payload, id)!;
    expect(chunks.map((c) => c.length)).toEqual([8192, 8192, 8192, 13]);
    chunks.forEach((c, i) => expect([...c.subarray(0, 12)]).toEqual([0x1e, 0x0f, 1, 2, 3, 4, 5, 6, 7, 8, i, 4]));
    expect(gelfDatagrams(Buffer.alloc(8192), id)).toEqual([Buffer.alloc(8192)]);
    expect(gelfDatagrams(Buffer.alloc(128 * 8180), id)).toHaveLength(128);
    expect(gelfDatagrams(Buffer.alloc(128 * 8180 + 1), id)).toBeUndefined();
  });

  it('asks for a message id only when it chunks, once per message (a random id costs as much as the message)', () => {
    let asked = 0;
    const id = () => (asked++, Buffer.alloc(8, asked));
    gelfDatagrams(Buffer.alloc(8192), id);
    expect(asked).toBe(0);
    const chunks = gelfDatagrams(Buffer.alloc(3 * 8180), id)!;
    expect(asked).toBe(1);
    expect(new Set(chunks.map((c) => c.subarray(2, 10).toString('hex'))).size).toBe(1);
  });
});

describe('telemetry/gelf over TCP', () => {
  it('sends null-byte delimited GELF JSON', async () => {
    const collector = await tcpCollector();
    const gw = await gatewayWith({ address: `127.0.0.1:${collector.port}`, enable_tcp: true });
    await request(`${gw.url}/x`, { headers: { 'X-Request-ID': 'trace-tcp' } });
    const access = await until('the access line', () => accessOf(collector.messages));
    expect(access).toMatchObject({ version: '1.1', host: hostname(), level: 6, _module: 'GW', _status: 200, _request_id: 'trace-tcp' });
    expect(collector.messages.some((m) => String(m.short_message).includes('listening on port'))).toBe(true);
  });

  it('keeps lines while the collector is away and delivers them once it is reachable', async () => {
    const probe = await tcpCollector();
    const port = probe.port;
    await probe.close(); // the port is free now: the gateway starts with no collector
    const gw = await gatewayWith({ address: `127.0.0.1:${port}`, enable_tcp: true });
    await request(`${gw.url}/x`, { headers: { 'X-Request-ID': 'while-away' } });
    const collector = await tcpCollector(port);
    const access = await until('the held access line', () => accessOf(collector.messages));
    expect(access._request_id).toBe('while-away');
    // The outage was said once on the gateway's own log, and that it ended.
    const said = gw.logs.filter((l) => l.includes('gelf: connection'));
    expect(said).toEqual([expect.stringMatching(/gelf: connection to 127\.0\.0\.1:\d+ failed \(connect ECONNREFUSED/)]);
    await until('the reconnect line', () => gw.logs.find((l) => l.includes('gelf: connected to')));
  });
});

describe('telemetry/gelf over TCP, at the edges', () => {
  it('delivers the lines of a transport closed while it still connects (the last lines of a shutdown), without a complaint', async () => {
    const collector = await tcpCollector();
    const reports: string[] = [];
    const tcp = gelfTcp({ host: '127.0.0.1', port: collector.port }, (l) => reports.push(l));
    tcp.send(Buffer.from('{"short_message":"last words"}'));
    tcp.close();
    await until('the last line', () => collector.messages.find((m) => m.short_message === 'last words'));
    expect(reports).toEqual([]);
  });

  it('a collector that accepts and hangs up at once is said to be down once, not at every reconnect', async () => {
    let accepted = 0;
    const server = createServer((c) => {
      accepted++;
      c.destroy();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
    const reports: string[] = [];
    const tcp = gelfTcp({ host: '127.0.0.1', port: (server.address() as AddressInfo).port }, (l) => reports.push(l));
    cleanups.push(() => tcp.close());
    tcp.send(Buffer.from('{"short_message":"one"}'));
    await until('three connections', () => (accepted >= 3 ? true : undefined));
    expect(reports).toEqual([expect.stringMatching(/gelf: connection to 127\.0\.0\.1:\d+ closed/)]);
  });
});

describe('telemetry/gelf in check and build', () => {
  const gelf = { 'telemetry/gelf': { address: 'graylog:12201', enable_tcp: false } };

  it('is linked only with telemetry/logging, as KrakenD runs it as that logger\'s writer', () => {
    const sinks = (extra: Record<string, unknown>) => planWiring(planOf(base([], { extra_config: extra })), 'test').logSinks.map((e) => e.name);
    expect(sinks({ ...gelf, 'telemetry/logging': { level: 'INFO' } })).toEqual(['gelfSink']);
    expect(sinks(gelf)).toEqual([]);
    expect(sinks({ 'telemetry/logging': { level: 'INFO' } })).toEqual([]);
  });

  it('is enforced (no not-enforced warning); check says when logging is missing or the address is not host:port', () => {
    const ids = (extra: Record<string, unknown>) => checkGateway(base([], { extra_config: extra })).map((d) => `${d.ruleId} ${d.pointer}`);
    expect(ids({ ...gelf, 'telemetry/logging': { level: 'INFO' } })).toEqual([]);
    expect(ids(gelf)).toEqual(['gelf-without-logging /extra_config/telemetry~1gelf']);
    expect(ids({ 'telemetry/gelf': { address: 'graylog', enable_tcp: true }, 'telemetry/logging': { level: 'INFO' } })).toEqual(['gelf-address /extra_config/telemetry~1gelf/address']);
  });
});
