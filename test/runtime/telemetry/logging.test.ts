import { createServer, type Server } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { base } from '../../helpers/check.js';
import { startRuntime } from '../../helpers/gateway.js';
import { request, startServer, type TestServer } from '../../helpers/servers.js';

/**
 * `telemetry/logging` as krakend-gologging documents it: the logstash format
 * (one JSON object a line, access lines with their fields), a custom
 * go-logging pattern, syslog through a real socket, and the request id every
 * access line carries and every backend receives.
 */
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function idBackend(): Promise<TestServer & { ids: Array<string | string[] | undefined> }> {
  const ids: Array<string | string[] | undefined> = [];
  const s = await startServer((req, res) => {
    ids.push(req.headers['x-request-id']);
    res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
  });
  cleanups.push(() => s.close());
  return Object.assign(s, { ids });
}

async function gateway(logging: Record<string, unknown>, backendUrl: string, env: Record<string, string> = {}, inputHeaders?: string[]) {
  const endpoints = [
    { endpoint: '/x', ...(inputHeaders ? { input_headers: inputHeaders } : {}), backend: [{ host: [backendUrl], url_pattern: '/x' }] },
    { endpoint: '/plain', backend: [{ host: [backendUrl], url_pattern: '/plain' }] },
  ];
  const gw = await startRuntime(base(endpoints, { extra_config: { 'telemetry/logging': logging } }), { env });
  cleanups.push(() => gw.close());
  return gw;
}

/** Polls until the log has `n` access lines (they are written when the answer has been sent). */
async function accessLines(logs: string[], n: number, match = '[ACCESS]'): Promise<string[]> {
  for (let i = 0; i < 200; i++) {
    const lines = logs.filter((l) => l.includes(match));
    if (lines.length >= n) return lines;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`fewer than ${n} access lines:\n${logs.join('')}`);
}

describe('telemetry/logging format logstash', () => {
  it('writes every line as logstash JSON and access lines with their fields and the request id', async () => {
    const backend = await idBackend();
    const gw = await gateway({ level: 'INFO', prefix: '[KRAKEND]', stdout: true, format: 'logstash' }, backend.url, {}, ['X-Request-ID']);
    await request(`${gw.url}/x?q=1`, { headers: { 'X-Request-ID': 'trace-abc.123' } });
    await request(`${gw.url}/x`, { headers: { 'X-Request-ID': `${'x'.repeat(129)}` } }); // too long: replaced
    await request(`${gw.url}/x`, { headers: { 'X-Request-ID': 'has space' } }); // outside the charset: replaced

    for (const line of gw.logs) {
      expect(line.endsWith('\n')).toBe(true);
      const o = JSON.parse(line) as Record<string, unknown>;
      expect(o['@version']).toBe(1);
      expect(o['@timestamp']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/);
      expect(o.module).toBe('KRAKEND');
      expect(['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL']).toContain(o.level);
    }
    const access = (await accessLines(gw.logs, 3)).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(access[0]).toMatchObject({ level: 'INFO', status: 200, method: 'GET', path: '/x?q=1', client_ip: '127.0.0.1', request_id: 'trace-abc.123' });
    expect(typeof access[0]!.latency_ms).toBe('number');
    expect(access[1]!.request_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(access[2]!.request_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(access[1]!.request_id).not.toBe(access[2]!.request_id);
    // Each backend got the id its access line names, and only that one.
    expect(backend.ids).toEqual(access.map((a) => a.request_id));
  });

  it('sends the id only where input_headers lets X-Request-ID through, as KrakenD forwards headers', async () => {
    const backend = await idBackend();
    const gw = await gateway({ level: 'INFO', format: 'logstash' }, backend.url, {}, ['*']);
    await request(`${gw.url}/plain`, { headers: { 'X-Request-ID': 'kept-out' } }); // default input_headers: not forwarded
    await request(`${gw.url}/x`); // '*' and no id sent: nothing added
    await request(`${gw.url}/x`, { headers: { 'X-Request-ID': 'bad id' } }); // '*': the checked id replaces the client's
    const access = (await accessLines(gw.logs, 3)).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(access.map((a) => typeof a.request_id)).toEqual(['string', 'string', 'string']);
    expect(backend.ids).toEqual([undefined, undefined, access[2]!.request_id]);
    expect(access[2]!.request_id).not.toBe('bad id');
  });
});

describe('request ids on routes.yaml host routes', () => {
  it('sends every routed request the id its access line names: the client\'s when plain, else a fresh one', async () => {
    const backend = await idBackend();
    const routes = 'routes:\n  app.example.com:\n    - prefix: /\n      backend: http://site.internal:80\n';
    const gw = await startRuntime(base([], { extra_config: { 'telemetry/logging': { level: 'INFO', format: 'logstash' } } }), {
      routesYaml: routes,
      hostMap: { 'http://site.internal:80': backend.url },
    });
    cleanups.push(() => gw.close());
    await request(`${gw.url}/a`, { headers: { host: 'app.example.com', 'X-Request-ID': 'trace-1' } });
    await request(`${gw.url}/b`, { headers: { host: 'app.example.com', 'X-Request-ID': 'not plain' } });
    await request(`${gw.url}/c`, { headers: { host: 'app.example.com' } });
    const access = (await accessLines(gw.logs, 3)).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(access[0]!.request_id).toBe('trace-1');
    expect(access[1]!.request_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(access[2]!.request_id).toMatch(/^[0-9a-f-]{36}$/);
    // One line each at the backend, the same id the access line names.
    expect(backend.ids).toEqual(access.map((a) => a.request_id));
  });
});

describe('telemetry/logging format custom', () => {
  it('renders go-logging verbs: time layout, level with precision, module, message', async () => {
    const backend = await idBackend();
    const gw = await gateway({ level: 'INFO', prefix: '[P]', format: 'custom', custom_format: ' %{time:2006-01-02 15:04} %{color}%{level:.4s}%{color:reset} <%{module}> %{message}' }, backend.url);
    await request(`${gw.url}/x`);
    const [line] = await accessLines(gw.logs, 1);
    expect(line).toMatch(/^\[P\] \d{4}-\d\d-\d\d \d\d:\d\d INFO <P> \[ACCESS\] 200 \| /);
  });
});

describe('telemetry/logging syslog', () => {
  it('sends application lines to syslog with local3 priorities, and access lines to stdout only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hgw-syslog-'));
    const socket = join(dir, 'log.sock');
    let received = '';
    const server: Server = createServer((c) => c.on('data', (d: Buffer) => (received += d.toString('utf8'))));
    await new Promise<void>((r) => server.listen(socket, r));
    cleanups.push(async () => {
      await new Promise<void>((r) => server.close(() => r()));
      rmSync(dir, { recursive: true, force: true });
    });
    const backend = await idBackend();
    const gw = await gateway({ level: 'DEBUG', prefix: '[SYS]', syslog: true, stdout: false }, backend.url, { HGW_SYSLOG_SOCKET: socket });
    await request(`${gw.url}/x`);
    for (let i = 0; i < 300 && !received.includes('endpoint(s) listening'); i++) await new Promise((r) => setTimeout(r, 10));
    // local3 (19) × 8 + informational (6) = 158, tagged with the prefix's name.
    expect(received).toMatch(/<158>[^\n]*SYS[^\n]*: \[SYS\] [^\n]*▶ INFO [^\n]*endpoint\(s\) listening/);
    expect(received).not.toContain('[ACCESS]');
    expect(gw.logs.some((l) => l.includes('[ACCESS]'))).toBe(true);
  });
});
