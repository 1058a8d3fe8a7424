import type { ServerResponse } from 'node:http';
import { COMPLETED_HEADER, POWERED_BY_HEADER, type Branding } from './branding.js';

/**
 * Responses the gateway writes itself. Bodies are written with an explicit
 * Content-Length in one `end` call; Content-Type follows Go's rules (sniffed
 * text is `text/plain; charset=utf-8`, an empty body has none).
 */
export function writeGatewayError(res: ServerResponse, brand: Branding, status: number, message: string | undefined): void {
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
  headers['Content-Type'] = 'text/plain; charset=utf-8';
  headers['Content-Length'] = body.length;
  res.writeHead(status, headers).end(body);
}

/** gin's own 404/405 answers: no trailing newline, `text/plain`. */
export function writeRouterMiss(res: ServerResponse, brand: Branding, status: 404 | 405, allowed?: string[]): void {
  const body = status === 404 ? '404 page not found' : '405 method not allowed';
  const headers: Record<string, string | number> = {
    [POWERED_BY_HEADER]: brand.poweredBy,
    [COMPLETED_HEADER]: 'false',
    'Content-Type': 'text/plain',
    'Content-Length': body.length,
  };
  if (allowed) headers.Allow = allowed.join(', ');
  res.writeHead(status, headers).end(body);
}
