import { describe, expect, it } from 'vitest';
import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { stripIdentityHeaders } from '../../../../runtime/shared/headers/ingress-strip.js';
import { setRequestHeader } from '../../../../runtime/shared/headers/request-headers.js';

interface Views {
  raw: string[];
  headers: Record<string, unknown>;
  distinct: Record<string, unknown>;
  selected: string;
}

/** One real request through a server that edits it; `touchFirst` reads Node's lazy views before the edit. */
async function edited(touchFirst: 'none' | 'headers' | 'distinct' | 'both', raw: string[]): Promise<Views> {
  let seen: Views | undefined;
  const server = createServer((req: IncomingMessage, res) => {
    if (touchFirst === 'headers' || touchFirst === 'both') void req.headers;
    if (touchFirst === 'distinct' || touchFirst === 'both') void req.headersDistinct;
    const selected = stripIdentityHeaders(req);
    setRequestHeader(req, 'X-User-Id', 'minted');
    seen = { raw: [...req.rawHeaders], headers: { ...req.headers }, distinct: { ...req.headersDistinct }, selected };
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', headers: ['Host', 'h', ...raw], agent: false }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', reject);
    req.end();
  });
  server.close();
  return seen!;
}

describe('editing Node request headers', () => {
  for (const touch of ['none', 'headers', 'distinct', 'both'] as const) {
    it(`keeps rawHeaders, headers and headersDistinct in agreement (views read before the edit: ${touch})`, async () => {
      const v = await edited(touch, ['X-Org-Id', 'acme', 'x-user-id', 'a', 'X-USER-ID', 'b', 'X-Iam-Foo', '1', 'Accept', 'text/plain', 'x-hanzo-z', '2', 'X-Keep', 'k']);
      expect(v.selected).toBe('acme');
      expect(v.raw).toEqual(['Host', 'h', 'Accept', 'text/plain', 'X-Keep', 'k', 'Connection', 'close', 'X-User-Id', 'minted']);
      expect(v.headers).toEqual({ host: 'h', accept: 'text/plain', 'x-keep': 'k', connection: 'close', 'x-user-id': 'minted' });
      expect(v.distinct).toEqual({ host: ['h'], accept: ['text/plain'], 'x-keep': ['k'], connection: ['close'], 'x-user-id': ['minted'] });
    });
  }

  it('leaves a request without identity headers untouched', async () => {
    const v = await edited('none', ['Accept', '*/*']);
    expect(v.selected).toBe('');
    expect(v.raw).toEqual(['Host', 'h', 'Accept', '*/*', 'Connection', 'close', 'X-User-Id', 'minted']);
  });
});
