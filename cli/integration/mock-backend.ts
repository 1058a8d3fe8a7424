/**
 * The backend of KrakenD CE's integration suite (krakend-semantics.md §1.4),
 * rebuilt with Go's http.ServeMux behaviour: subtree patterns, the 301 to a
 * missing trailing slash, Go's 404 text, http.Redirect bodies, and the echo
 * encoded as Go's json.Encoder writes it (sorted keys, HTML escaping, newline).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP, type AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { encodeJson } from '../../runtime/shared/json/encode-json.js';
import type { JsonObject } from '../../runtime/shared/json/json-number.js';
import { canonicalHeaderKey } from '../../runtime/shared/headers/canonical-header-key.js';

export interface MockBackendOptions {
  /** 0 picks a free port. */
  port: number;
  /** Listen address (default 127.0.0.1: the mock is for the gateway on this machine). */
  host?: string;
  /** The `/delayed/` sleep (the suite's -krakend_delay, 200 ms). */
  delayMs?: number;
}

const XML_DOC =
  '<?xml version="1.0" encoding="UTF-8"?>\n<user type="admin"><name>Elliot</name><social><facebook>https://facebook.com</facebook><twitter>https://twitter.com</twitter><youtube>https://youtube.com</youtube></social></user>';

/** The static JWK set of the suite (two symmetric keys). */
export const SYMMETRIC_JWKS = {
  keys: [
    { kty: 'oct', alg: 'A128KW', k: 'GawgguFyGrWKav7AX4VKUg', kid: 'sim1' },
    { kty: 'oct', k: 'AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow', kid: 'sim2', alg: 'HS256' },
  ],
};

type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer, url: URL) => void;

/** Request bodies beyond this are refused with 413: the suite's bodies are a few bytes. */
const MAX_BODY_BYTES = 1024 * 1024;

export interface MockBackend {
  port: number;
  close(): Promise<void>;
}

export async function startMockBackend(options: MockBackendOptions): Promise<MockBackend> {
  const delay = options.delayMs ?? 200;
  const exact = new Map<string, Handler>([
    ['/xml', guarded((_q, res) => write(res, 200, [['Content-Type', 'application/xml; charset=utf-8']], XML_DOC))],
    ['/jwk/symmetric', (_q, res) => write(res, 200, [['Content-Type', 'application/json']], `${JSON.stringify(SYMMETRIC_JWKS)}\n`)],
  ]);
  const subtrees: Array<[string, Handler]> = [
    ['/param_forwarding/', guarded(echo)],
    ['/collection/', guarded((_q, res, _b, url) => {
      const items = Array.from({ length: 10 }, (_, i) => ({ i, path: url.pathname }));
      write(res, 200, [['Content-Type', 'application/json']], `${encodeJson(items as never)}\n`);
    })],
    ['/delayed/', guarded((req, res, body, url) => setTimeout(() => echo(req, res, body, url), delay))],
    // hgw's own routes (not in KrakenD's mock), for the project's extra specs:
    ['/status/', guarded((_q, res, _b, url) => {
      const status = Number(url.pathname.slice('/status/'.length)) || 500;
      write(res, status, [['Content-Type', 'application/json']], status === 204 || status === 304 ? '' : `{"status":${status}}`);
    })],
    ['/reflect/', guarded((_q, res, body) => write(res, 200, [['Content-Type', 'application/json']], body.toString('utf8')))],
    ['/gzip/', guarded((req, res, body, url) => {
      const json = `{"gzipped":${req.headers['accept-encoding'] === 'gzip'},"path":${JSON.stringify(url.pathname)}}`;
      if (req.headers['accept-encoding'] !== 'gzip') return write(res, 200, [['Content-Type', 'application/json']], json);
      const zipped = gzipSync(json);
      res.writeHead(200, ['Content-Type', 'application/json', 'Content-Encoding', 'gzip', 'Content-Length', String(zipped.length)]);
      res.end(zipped);
    })],
    ['/loop/', guarded((req, res) => goRedirect(req, res, '/loop/', 302))],
    ['/redirect/', guarded((req, res, _b, url) => {
      const status = url.searchParams.get('status');
      if (status === null) {
        req.socket.destroy(); // Go's handler panics on the missing parameter and the connection drops
        return;
      }
      goRedirect(req, res, `/param_forwarding/?status=${status}`, Number(status));
    })],
  ];

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY_BYTES) chunks.push(c);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) {
        write(res, 413, [['Content-Type', 'text/plain; charset=utf-8']], 'http: request body too large\n');
        return;
      }
      const url = new URL(req.url ?? '/', 'http://mock');
      const path = decodeURIComponent(url.pathname);
      const handler = exact.get(path) ?? subtrees.find(([prefix]) => path.startsWith(prefix))?.[1];
      if (handler) {
        handler(req, res, Buffer.concat(chunks), url);
        return;
      }
      // ServeMux: a subtree pattern without its trailing slash redirects there, keeping the query.
      const subtree = subtrees.find(([prefix]) => `${path}/` === prefix);
      if (subtree) {
        goRedirect(req, res, `${subtree[0]}${url.search}`, 301);
        return;
      }
      write(res, 404, [['Content-Type', 'text/plain; charset=utf-8'], ['X-Content-Type-Options', 'nosniff']], '404 page not found\n');
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The suite's X-Forwarded-For guard: exactly one loopback IP, else 400. */
function guarded(handler: Handler): Handler {
  return (req, res, body, url) => {
    const xff = req.headers['x-forwarded-for'];
    const ip = typeof xff === 'string' ? xff : '';
    if (!isIP(ip) || !isLoopback(ip)) {
      write(res, 400, [['Content-Type', 'text/plain; charset=utf-8'], ['X-Content-Type-Options', 'nosniff']], 'invalid X-Forwarded-For\n');
      return;
    }
    handler(req, res, body, url);
  };
}

function isLoopback(ip: string): boolean {
  return ip === '::1' || ip.startsWith('127.') || ip === '::ffff:127.0.0.1';
}

/** The echo: path, query, headers (Go-canonical, without X-Forwarded-For, Host, Transfer-Encoding), foo, and body on ?dump_body=1. */
function echo(req: IncomingMessage, res: ServerResponse, body: Buffer, url: URL): void {
  const headers: JsonObject = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = canonicalHeaderKey(req.rawHeaders[i]!);
    if (name === 'Host' || name === 'Transfer-Encoding' || name === 'X-Forwarded-For') continue;
    const list = (headers[name] as string[] | undefined) ?? [];
    list.push(req.rawHeaders[i + 1]!);
    headers[name] = list;
  }
  const query: JsonObject = {};
  for (const [k, v] of url.searchParams) ((query[k] as string[] | undefined) ?? (query[k] = [])).push(v);
  const data: JsonObject = { path: decodeURIComponent(url.pathname), query, headers, foo: 42 };
  if (url.searchParams.get('dump_body') === '1') data.body = body.toString('utf8');
  write(res, 200, [['Content-Type', 'application/json'], ['Set-Cookie', 'test1=test1'], ['Set-Cookie', 'test2=test2']], `${encodeJson(data)}\n`);
}

/** Go's http.Redirect: Location, and for GET/HEAD an HTML body naming the status. */
function goRedirect(req: IncomingMessage, res: ServerResponse, location: string, status: number): void {
  const headers: Array<[string, string]> = [['Location', location]];
  if (req.method === 'GET' || req.method === 'HEAD') {
    headers.push(['Content-Type', 'text/html; charset=utf-8']);
    write(res, status, headers, `<a href="${htmlEscape(location)}">${STATUS_TEXT[status] ?? ''}</a>.\n\n`);
  } else write(res, status, headers, '');
}

const STATUS_TEXT: Record<number, string> = { 301: 'Moved Permanently', 302: 'Found', 303: 'See Other', 307: 'Temporary Redirect', 308: 'Permanent Redirect' };

function htmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');
}

function write(res: ServerResponse, status: number, headers: Array<[string, string]>, body: string): void {
  const bytes = Buffer.from(body);
  res.writeHead(status, [...headers.flat(), 'Content-Length', String(bytes.length)]);
  res.end(bytes);
}
