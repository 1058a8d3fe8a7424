import { afterEach, describe, expect, it } from 'vitest';
import { request as httpRequest } from 'node:http';
import { base } from '../helpers/check.js';
import { startRuntime } from '../helpers/gateway.js';
import { request, startServer, type TestServer } from '../helpers/servers.js';

/**
 * `validation/json-schema` in a running gateway: bodies validated before any
 * backend is called, krakend-jsonschema's 400 texts, the drafts a schema
 * names, formats, streamed (chunked) bodies, max_payload and a schema that
 * does not compile.
 */
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** A backend that echoes the body it got as `{"got": <body text>}`, recording each call. */
async function echoBody(): Promise<TestServer & { bodies: string[] }> {
  const bodies: string[] = [];
  const s = await startServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      bodies.push(body);
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ got: body }));
    });
  });
  cleanups.push(() => s.close());
  return Object.assign(s, { bodies });
}

async function gateway(schema: unknown, be: TestServer, more: Record<string, unknown> = {}, backends = 1) {
  const g = await startRuntime(
    base(
      [
        {
          endpoint: '/orders',
          method: 'POST',
          backend: Array.from({ length: backends }, (_, i) => ({ url_pattern: '/orders', host: [be.url], group: backends > 1 ? `b${i}` : undefined })),
          extra_config: { 'validation/json-schema': schema },
          ...more,
        },
      ],
      { extra_config: { router: { return_error_msg: true } } },
    ),
  );
  cleanups.push(() => g.close());
  return g;
}

const ORDER = {
  type: 'object',
  required: ['name', 'qty'],
  properties: { name: { type: 'string' }, qty: { type: 'integer', minimum: 1 }, email: { type: 'string', format: 'email' }, address: { type: 'object', properties: { zip: { type: 'string' } } } },
};

const post = (url: string, body: string) => request(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } });

describe('validation/json-schema', () => {
  it('passes a valid body to the backend unchanged', async () => {
    const be = await echoBody();
    const gw = await gateway(ORDER, be);
    const body = '{"name":"tea","qty":2,"email":"a@example.com"}';
    const res = await post(`${gw.url}/orders`, body);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ got: body });
  });

  it('refuses an invalid body with 400 and one line per problem, before any backend call', async () => {
    const be = await echoBody();
    const gw = await gateway(ORDER, be);
    const res = await post(`${gw.url}/orders`, '{"qty":0,"email":"nope","address":{"zip":12}}');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.body.split('\n').sort()).toEqual(['- (root): name is required', '- address.zip: must be string', '- email: must match format "email"', '- qty: must be >= 1']);
    expect(be.bodies).toEqual([]);
  });

  it('answers a body that does not parse, or none at all, with krakend-jsonschema\'s malformed text', async () => {
    const be = await echoBody();
    const gw = await gateway(ORDER, be);
    for (const body of ['{"name":', '']) {
      const res = await post(`${gw.url}/orders`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body).toBe('could not validate a malformed body');
    }
    expect(be.bodies).toEqual([]);
  });

  it('validates with the draft the schema names (04, 2020-12)', async () => {
    const be = await echoBody();
    // Draft 04: exclusiveMinimum is a boolean modifier of minimum.
    const d4 = await gateway({ $schema: 'http://json-schema.org/draft-04/schema#', type: 'object', properties: { n: { type: 'number', minimum: 5, exclusiveMinimum: true } } }, be);
    expect((await post(`${d4.url}/orders`, '{"n":5}')).status).toBe(400);
    expect((await post(`${d4.url}/orders`, '{"n":6}')).status).toBe(200);
    const d2020 = await gateway({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }] }, be);
    expect((await post(`${d2020.url}/orders`, '["a",1]')).status).toBe(200);
    expect((await post(`${d2020.url}/orders`, '[1,"a"]')).status).toBe(400);
  });

  it('reads a chunked body whole, validates it and forwards it; max_payload still applies', async () => {
    const be = await echoBody();
    const gw = await gateway({ type: 'object' }, be, { extra_config: { 'validation/json-schema': { type: 'object' }, proxy: { max_payload: 64 } } });
    const chunked = (parts: string[]) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest(`${gw.url}/orders`, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, agent: false }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        for (const p of parts) req.write(p);
        req.end();
      });
    const ok = await chunked(['{"a":', '1}']);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toEqual({ got: '{"a":1}' });
    const big = await chunked(['{"a":"', 'x'.repeat(100), '"}']);
    expect(big.status).toBe(413);
    expect(be.bodies).toEqual(['{"a":1}']);
  });

  it('refuses a body larger than the held-body limit when no max_payload is set (413, nothing buffered past it)', async () => {
    const be = await echoBody();
    const gw = await gateway({ type: 'object' }, be);
    const big = Buffer.alloc(33 * 1024 * 1024, 0x20);
    const res = await new Promise<{ status: number }>((resolve, reject) => {
      const req = httpRequest(`${gw.url}/orders`, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, agent: false }, (r) => {
        r.resume();
        resolve({ status: r.statusCode ?? 0 });
      });
      req.on('error', () => resolve({ status: -1 }));
      req.end(big);
      void reject;
    });
    expect([413, -1]).toContain(res.status);
    expect(be.bodies).toEqual([]);
  });

  it('hands every backend the validated body when several share it', async () => {
    const be = await echoBody();
    const gw = await gateway({ type: 'object' }, be, {}, 2);
    const res = await post(`${gw.url}/orders`, '{"k":true}');
    expect(JSON.parse(res.body)).toEqual({ b0: { got: '{"k":true}' }, b1: { got: '{"k":true}' } });
  });

  it('leaves the endpoint unvalidated, with an error logged, when the schema does not compile', async () => {
    const be = await echoBody();
    const gw = await gateway({ type: 12 }, be);
    expect((await post(`${gw.url}/orders`, 'not json at all')).status).toBe(200);
    expect(gw.logs.some((l) => l.includes('[ENDPOINT: /orders][JSONSchema] Parsing the definition'))).toBe(true);
  });
});
