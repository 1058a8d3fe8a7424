import type { IncomingMessage, ServerResponse } from 'node:http';
import { COMPLETED_HEADER, POWERED_BY_HEADER, type Branding } from '../shared/branding.js';

/**
 * Responses the gateway writes itself. Bodies go out with an explicit
 * Content-Length in one `end` call; Content-Type follows Go's rules (sniffed
 * text is `text/plain; charset=utf-8`, an empty body has none).
 */
export function writeGatewayError(res: ServerResponse, brand: Branding, status: number, message: string | undefined, contentType?: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const headers: Record<string, string | number> = { [POWERED_BY_HEADER]: brand.poweredBy, [COMPLETED_HEADER]: 'false' };
  if (message === undefined || message === '') {
    headers['Content-Length'] = 0;
    res.writeHead(status, headers).end();
    return;
  }
  const body = Buffer.from(message);
  headers['Content-Type'] = contentType ?? 'text/plain; charset=utf-8';
  headers['Content-Length'] = body.length;
  res.writeHead(status, headers).end(body);
}

/** gin's own 404/405 answers (no trailing newline, `text/plain`), or `router.error_body`'s JSON when configured. */
export function writeRouterMiss(res: ServerResponse, brand: Branding, status: 404 | 405, errorBody: string | undefined, allowed?: string[]): void {
  const body = errorBody ?? (status === 404 ? '404 page not found' : '405 method not allowed');
  const headers: Record<string, string | number> = {
    [POWERED_BY_HEADER]: brand.poweredBy,
    [COMPLETED_HEADER]: 'false',
    'Content-Type': errorBody === undefined ? 'text/plain' : 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
  };
  if (allowed) headers.Allow = allowed.join(', ');
  res.writeHead(status, headers).end(body);
}

/** Go's http.Redirect as gin uses it: 301 for GET, 307 otherwise; GET gets the small HTML body. */
export function writeRedirect(req: IncomingMessage, res: ServerResponse, location: string): void {
  const get = req.method === 'GET';
  const body = get ? Buffer.from(`<a href="${htmlEscape(location)}">Moved Permanently</a>.\n\n`) : Buffer.alloc(0);
  const headers: Record<string, string | number> = { Location: location, 'Content-Length': body.length };
  if (get) headers['Content-Type'] = 'text/html; charset=utf-8';
  res.writeHead(get ? 301 : 307, headers).end(body);
}

/**
 * Go's http.Redirect with 301 for every method (routes.yaml redirects): the
 * HTML body for GET, the HTML content type for GET and HEAD.
 */
export function writePermanentRedirect(req: IncomingMessage, res: ServerResponse, location: string): void {
  const body = req.method === 'GET' ? Buffer.from(`<a href="${htmlEscape(location)}">Moved Permanently</a>.\n\n`) : Buffer.alloc(0);
  const headers: Record<string, string | number> = { Location: location, 'Content-Length': body.length };
  if (req.method === 'GET' || req.method === 'HEAD') headers['Content-Type'] = 'text/html; charset=utf-8';
  res.writeHead(301, headers).end(body);
}

function htmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');
}

/**
 * `writeHead` with raw header lines, keeping repeated names (Set-Cookie). When
 * a middleware already set headers with setHeader (CORS does), Node merges a
 * flat array by setHeader and keeps only the last of each repeated name — so
 * then each line is appended instead.
 */
export function writeHeadLines(res: ServerResponse, status: number, lines: readonly string[]): ServerResponse {
  if (res.getHeaderNames().length === 0) return res.writeHead(status, lines as string[]);
  // Headers the gateway set come first; relayed lines join them, minus the names this response may not relay.
  const drop = (res as ServerResponse & { [BACKEND_HEADER_DROP]?: ReadonlySet<string> })[BACKEND_HEADER_DROP];
  for (let i = 0; i + 1 < lines.length; i += 2) {
    if (drop !== undefined && drop.has(lines[i]!.toLowerCase())) continue;
    res.appendHeader(lines[i]!, lines[i + 1]!);
  }
  return res.writeHead(status);
}

/**
 * Names (lower case) a response may not take from the lines it relays, set by
 * a router middleware that owns them (the production headers: Server, CORS…).
 * Honoured where relayed lines join headers the gateway already set.
 */
export const BACKEND_HEADER_DROP = Symbol('hgw.backendHeaderDrop');
