import { createServer, request as httpRequest, Agent, type IncomingMessage, type ServerResponse, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A real HTTP server on 127.0.0.1, port chosen by the OS. */
export interface TestServer {
  url: string;
  port: number;
  /** The node:http server itself, for tests that listen to more than requests (upgrades). */
  server?: Server;
  close(): Promise<void>;
}

export async function startServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<TestServer> {
  const server = createServer(handler);
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface EchoedRequest {
  method: string;
  url: string;
  /** Raw header lines as received: [name, value, …]. */
  rawHeaders: string[];
  body: string;
}

/** A backend that answers every request with what it received, plus two Set-Cookie lines. */
export function echoHandler(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const echoed: EchoedRequest = { method: req.method ?? '', url: req.url ?? '', rawHeaders: req.rawHeaders, body: Buffer.concat(chunks).toString('utf8') };
    const body = JSON.stringify(echoed);
    res.writeHead(200, [
      ['Content-Type', 'application/json'],
      ['Set-Cookie', 'a=1'],
      ['Set-Cookie', 'b=2'],
      ['X-Backend', 'echo'],
      ['Content-Length', String(Buffer.byteLength(body))],
    ].flat());
    res.end(body);
  });
}

export interface TestResponse {
  status: number;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  body: string;
}

export interface RequestOptions {
  method?: string;
  /** An object, or raw `[name, value, …]` lines (a name may repeat, in any case). */
  headers?: Record<string, string | string[]> | string[];
  body?: string | Buffer;
  agent?: Agent;
}

/** One request with node:http (so tests see exact headers), body read fully. */
export function request(url: string, options: RequestOptions = {}): Promise<TestResponse> {
  return new Promise((resolve, reject) => {
    // Node sends a DELETE body with neither Content-Length nor chunking unless told; say the length.
    let headers: Record<string, string | string[]> | string[];
    if (Array.isArray(options.headers)) {
      headers = [...options.headers];
      // Node adds no Host to raw lines; HTTP/1.1 requires one.
      if (!headers.some((h, i) => i % 2 === 0 && h.toLowerCase() === 'host')) headers.push('host', new URL(url).host);
      if (options.body !== undefined && !headers.some((h, i) => i % 2 === 0 && h.toLowerCase() === 'content-length')) headers.push('content-length', String(Buffer.byteLength(options.body)));
    } else {
      const named = { ...options.headers };
      if (options.body !== undefined && !Object.keys(named).some((h) => h.toLowerCase() === 'content-length')) named['content-length'] = String(Buffer.byteLength(options.body));
      headers = named;
    }
    const req = httpRequest(url, { method: options.method ?? 'GET', headers, agent: options.agent ?? false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Header values of `name` in raw order (repeated lines kept apart). */
export function headerLines(rawHeaders: string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i]!.toLowerCase() === name.toLowerCase()) out.push(rawHeaders[i + 1]!);
  return out;
}

/**
 * A backend whose `/slow` request is held until the test calls `release()`
 * (`arrived` resolves when it comes in); every other path answers `fast` at once.
 */
export async function gatedBackend(): Promise<TestServer & { arrived: Promise<void>; release(): void }> {
  let release: () => void = () => {};
  let arrive: () => void = () => {};
  const arrived = new Promise<void>((r) => (arrive = r));
  const server = await startServer((req, res) => {
    if (req.url === '/slow') {
      arrive();
      release = () => res.end('slow done');
    } else res.end('fast');
  });
  return { ...server, arrived, release: () => release() };
}
