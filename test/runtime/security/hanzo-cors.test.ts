import { afterEach, describe, expect, it } from 'vitest';
import {
  HANZO_CORS_ALLOW_HEADERS,
  HANZO_CORS_ALLOW_METHODS,
  hanzoCorsMiddleware,
  hanzoCorsPolicy,
  originHost,
  setHanzoCorsHeaders,
  stripBackendCors,
} from '../../../runtime/security/cors/hanzo-cors-middleware.js';
import { startServer } from '../../helpers/servers.js';
import { deps, endpoint, headerLines, request, serve, type Handler, type Served } from './serve-middleware.js';

let servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function withHanzo(handler: Handler = endpoint(), env: Record<string, string> = {}): Promise<Served> {
  const s = await serve([hanzoCorsMiddleware(deps({}, env))], handler);
  servers.push(s);
  return s;
}

/** A no-op style endpoint relaying a backend that answers with its own CORS headers. */
const backendWithCors: Handler = (_req, res) => {
  res
    .writeHead(200, [
      'Content-Type',
      'text/plain',
      'Access-Control-Allow-Origin',
      '*',
      'access-control-allow-credentials',
      'false',
      'Access-Control-Allow-Methods',
      'GET',
      'Access-Control-Allow-Headers',
      'X-Any',
      'Access-Control-Max-Age',
      '5',
      'Access-Control-Expose-Headers',
      'X-Secret',
      'X-Backend',
      'yes',
      'Content-Length',
      '2',
    ])
    .end('ok');
};

const CORS = [
  'access-control-allow-origin',
  'access-control-allow-credentials',
  'access-control-allow-methods',
  'access-control-allow-headers',
  'access-control-max-age',
  'access-control-expose-headers',
];

function cors(raw: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const name of [...CORS, 'vary']) {
    const lines = headerLines(raw, name);
    if (lines.length > 0) out[name] = lines;
  }
  return out;
}

describe('Hanzo CORS policy (credentialed allowlist)', () => {
  it('an allowlisted Origin gets the credentialed headers and the request goes on', async () => {
    const s = await withHanzo();
    const res = await request(`${s.url}/v1/x`, { headers: { Origin: 'http://localhost:5173' } });
    expect(res.status).toBe(200);
    expect(s.reached()).toBe(1);
    expect(cors(res.rawHeaders)).toEqual({
      'access-control-allow-origin': ['http://localhost:5173'],
      'access-control-allow-credentials': ['true'],
      'access-control-allow-methods': [HANZO_CORS_ALLOW_METHODS],
      'access-control-allow-headers': [HANZO_CORS_ALLOW_HEADERS],
      'access-control-max-age': ['86400'],
      vary: ['Origin'],
    });
  });

  it('OPTIONS from an allowlisted Origin is answered 204 here, before auth and routing', async () => {
    const s = await withHanzo();
    const res = await request(`${s.url}/anything`, { method: 'OPTIONS', headers: { Origin: 'https://app.hanzo.ai' } });
    expect(res.status).toBe(204);
    expect(res.body).toBe('');
    expect(s.reached()).toBe(0);
    expect(headerLines(res.rawHeaders, 'access-control-allow-origin')).toEqual(['https://app.hanzo.ai']);
    expect(headerLines(res.rawHeaders, 'content-length')).toEqual([]);
  });

  it('a missing or unlisted Origin gets no CORS header at all, and OPTIONS goes on to routing', async () => {
    const s = await withHanzo((_req, res) => {
      res.writeHead(404, ['Content-Type', 'text/plain', 'Content-Length', '18']).end('404 page not found');
    });
    for (const headers of [{}, { Origin: 'https://evil.test' }] as Record<string, string>[]) {
      const res = await request(`${s.url}/x`, { method: 'OPTIONS', headers });
      expect(res.status).toBe(404);
      expect(cors(res.rawHeaders)).toEqual({});
    }
    expect(s.reached()).toBe(2);
  });

  it('matches the dev origins exactly and the Hanzo domains by host (subdomains, any port, case-sensitive)', () => {
    const p = hanzoCorsPolicy({});
    for (const ok of [
      'http://localhost:3000',
      'http://127.0.0.1:3000',
      'https://hanzo.ai',
      'https://docs.hanzo.ai',
      'https://evil.com.hanzo.ai',
      'https://app.lux.network:8443',
      'http://localhost:9999',
      'https://karma.style/path',
      'https://a.b.zoo.ngo',
    ]) {
      expect(p.allows(ok), ok).toBe(true);
    }
    for (const bad of ['', 'null', 'http://127.0.0.1:3001', 'https://nothanzo.ai', 'https://hanzo.ai.evil.com', 'https://Docs.Hanzo.AI', 'https://hanzo.aix', 'https://example.com']) {
      expect(p.allows(bad), bad).toBe(false);
    }
  });

  it('GATEWAY_CORS_ORIGINS adds exact origins (comma-separated, trimmed)', async () => {
    const env = { GATEWAY_CORS_ORIGINS: ' https://partner.example , https://x.test:8443,' };
    const p = hanzoCorsPolicy(env);
    expect(p.allows('https://partner.example')).toBe(true);
    expect(p.allows('https://x.test:8443')).toBe(true);
    expect(p.allows('https://x.test')).toBe(false);
    expect(p.allows('https://sub.partner.example')).toBe(false);
    const s = await withHanzo(endpoint(), env);
    const res = await request(`${s.url}/x`, { headers: { Origin: 'https://partner.example' } });
    expect(headerLines(res.rawHeaders, 'access-control-allow-origin')).toEqual(['https://partner.example']);
  });

  it('cuts the host out of an Origin like the Go gateway', () => {
    expect(originHost('https://docs.hanzo.ai')).toBe('docs.hanzo.ai');
    expect(originHost('http://localhost:3000')).toBe('localhost');
    expect(originHost('https://evil.com:8080/path')).toBe('evil.com');
    expect(originHost('http://[::1]:3000')).toBe('::1');
    expect(originHost('docs.hanzo.ai')).toBe('docs.hanzo.ai');
    expect(originHost('http://a:b:c')).toBe('a:b:c');
  });
});

describe('Hanzo CORS policy: the gateway is the only source of CORS headers', () => {
  it('backend CORS headers are stripped; the gateway ones stay for an allowlisted Origin', async () => {
    const s = await withHanzo(backendWithCors);
    const res = await request(`${s.url}/x`, { headers: { Origin: 'https://hanzo.chat' } });
    expect(res.body).toBe('ok');
    expect(headerLines(res.rawHeaders, 'x-backend')).toEqual(['yes']);
    expect(cors(res.rawHeaders)).toEqual({
      'access-control-allow-origin': ['https://hanzo.chat'],
      'access-control-allow-credentials': ['true'],
      'access-control-allow-methods': [HANZO_CORS_ALLOW_METHODS],
      'access-control-allow-headers': [HANZO_CORS_ALLOW_HEADERS],
      'access-control-max-age': ['86400'],
      vary: ['Origin'],
    });
  });

  it('backend CORS headers are stripped for any other Origin too', async () => {
    const s = await withHanzo(backendWithCors);
    for (const headers of [{}, { Origin: 'https://evil.test' }] as Record<string, string>[]) {
      const res = await request(`${s.url}/x`, { headers });
      expect(cors(res.rawHeaders)).toEqual({});
      expect(headerLines(res.rawHeaders, 'content-type')).toEqual(['text/plain']);
    }
  });

  it('strips from object headers, pair arrays and the (status, message, headers) form; only on that response', async () => {
    let n = 0;
    const s = await startServer((_req, res) => {
      const i = n++;
      if (i < 3) stripBackendCors(res);
      if (i === 0) res.writeHead(200, { 'Access-Control-Allow-Origin': '*', 'X-Keep': '1', 'Content-Length': 0 }).end();
      else if (i === 1) res.writeHead(200, [['Access-Control-Max-Age', '5'], ['X-Keep', '1'], ['Content-Length', '0']] as unknown as string[]).end();
      else if (i === 2) res.writeHead(201, 'Made', ['ACCESS-CONTROL-EXPOSE-HEADERS', 'X', 'X-Keep', '1', 'Content-Length', '0']).end();
      else res.writeHead(200, { 'Access-Control-Allow-Origin': '*', 'X-Keep': '1', 'Content-Length': 0 }).end();
    });
    servers.push(s);
    for (let i = 0; i < 3; i++) {
      const res = await request(`${s.url}/${i}`);
      expect(cors(res.rawHeaders), String(i)).toEqual({});
      expect(headerLines(res.rawHeaders, 'x-keep'), String(i)).toEqual(['1']);
    }
    const untouched = await request(`${s.url}/3`);
    expect(headerLines(untouched.rawHeaders, 'access-control-allow-origin')).toEqual(['*']);
  });

  it('setHanzoCorsHeaders(full: false) is what the panic-recovery 500 carries', async () => {
    const s = await startServer((_req, res) => {
      setHanzoCorsHeaders(res, 'https://hanzo.ai', false);
      const body = '{"error":"internal server error"}';
      res.writeHead(500, ['Content-Type', 'application/json', 'Content-Length', String(body.length)]).end(body);
    });
    servers.push(s);
    const res = await request(`${s.url}/x`);
    expect(cors(res.rawHeaders)).toEqual({
      'access-control-allow-origin': ['https://hanzo.ai'],
      'access-control-allow-credentials': ['true'],
      vary: ['Origin'],
    });
  });
});
