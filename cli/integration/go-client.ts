/**
 * A client that puts on the wire what Go's default http.Client does, because
 * the suite's expected bodies echo those bytes: `User-Agent: Go-http-client/1.1`,
 * `Accept-Encoding: gzip` (and transparent gunzip only then), Content-Length
 * bodies, `Content-Length: 0` on an empty POST/PUT/PATCH, no Connection header,
 * kept-alive connections, and redirects followed Go's way (≤ 10, Referer added,
 * headers copied, 301/302/303 → GET without body). `localhost` is dialled as
 * 127.0.0.1, where the gateway under test listens (the Host header is unchanged).
 */
import { request as httpRequest, Agent, type IncomingMessage } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { canonicalHeaderKey } from '../../runtime/shared/headers/canonical-header-key.js';

export interface GoRequest {
  method: string;
  url: string;
  /** Header.Add semantics: one value each, names canonicalised; `Host` sets the request host. */
  headers: Record<string, string>;
  body?: Buffer;
  followRedirects: boolean;
}

export interface GoResponse {
  status: number;
  /** Canonical name → values, in arrival order. */
  headers: Map<string, string[]>;
  body: Buffer;
}

/** Responses larger than this fail the spec rather than fill memory: a spec's expected body is a file. */
export const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

export interface GoClient {
  do(req: GoRequest): Promise<GoResponse>;
  close(): void;
}

/** One client per run: its kept-alive connections end with `close()`. */
export function goClient(): GoClient {
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  return { do: (req) => goDo(agent, req), close: () => agent.destroy() };
}

async function goDo(agent: Agent, req: GoRequest): Promise<GoResponse> {
  let current = { ...req, headers: { ...req.headers } };
  for (let hop = 0; ; hop++) {
    const res = await once(agent, current);
    const location = res.headers.get('Location')?.[0];
    if (!req.followRedirects || ![301, 302, 303, 307, 308].includes(res.status) || location === undefined) return res;
    if (hop >= 9) throw new Error(`${titleCase(req.method)} "${current.url}": stopped after 10 redirects`);
    const next = new URL(location, current.url);
    const prev = new URL(current.url);
    const headers = { ...current.headers };
    if (next.host !== prev.host) {
      delete headers.Authorization;
      delete headers.Cookie;
    }
    headers.Referer = current.url;
    const toGet = [301, 302, 303].includes(res.status) && current.method !== 'GET' && current.method !== 'HEAD';
    current = { ...current, url: next.href, headers, method: toGet ? 'GET' : current.method, body: toGet ? undefined : current.body };
  }
}

function once(agent: Agent, req: GoRequest): Promise<GoResponse> {
  return new Promise((resolve, reject) => {
    const url = new URL(req.url);
    const names = Object.keys(req.headers);
    const has = (n: string) => names.some((k) => canonicalHeaderKey(k) === n);
    const addedGzip = !has('Accept-Encoding') && req.method !== 'HEAD';
    const out = httpRequest(
      { host: url.hostname === 'localhost' ? '127.0.0.1' : url.hostname, port: url.port || 80, path: url.pathname + url.search, method: req.method, agent, setHost: false },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_RESPONSE_BYTES) res.destroy(new Error(`response larger than ${MAX_RESPONSE_BYTES} bytes`));
          else chunks.push(c);
        });
        res.on('error', reject);
        res.on('end', () => {
          const headers = new Map<string, string[]>();
          for (let i = 0; i < res.rawHeaders.length; i += 2) {
            const k = canonicalHeaderKey(res.rawHeaders[i]!);
            headers.set(k, [...(headers.get(k) ?? []), res.rawHeaders[i + 1]!]);
          }
          let body = Buffer.concat(chunks);
          if (addedGzip && headers.get('Content-Encoding')?.[0] === 'gzip') {
            try {
              body = gunzipSync(body, { maxOutputLength: MAX_RESPONSE_BYTES });
            } catch (e) {
              reject(new Error(`${titleCase(req.method)} "${req.url}": gzip body: ${(e as Error).message}`));
              return;
            }
            headers.delete('Content-Encoding');
            headers.delete('Content-Length');
          }
          resolve({ status: res.statusCode ?? 0, headers, body });
        });
      },
    );
    out.removeHeader('Connection');
    out.setHeader('Host', req.headers.Host ?? req.headers.host ?? url.host);
    if (!has('User-Agent')) out.setHeader('User-Agent', 'Go-http-client/1.1');
    for (const [k, v] of Object.entries(req.headers)) if (canonicalHeaderKey(k) !== 'Host') out.setHeader(canonicalHeaderKey(k), v);
    const body = req.body ?? Buffer.alloc(0);
    if (body.length > 0 || ['POST', 'PUT', 'PATCH'].includes(req.method)) out.setHeader('Content-Length', String(body.length));
    if (addedGzip) out.setHeader('Accept-Encoding', 'gzip');
    out.on('error', (e) => reject(new Error(`${titleCase(req.method)} "${req.url}": ${e.message}`)));
    out.end(body);
  });
}

function titleCase(method: string): string {
  return method.charAt(0) + method.slice(1).toLowerCase();
}
