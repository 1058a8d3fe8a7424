import { afterEach, describe, expect, it } from 'vitest';
import { base, checkGateway } from '../helpers/check.js';
import { startRuntime } from '../helpers/gateway.js';
import { headerLines, request, startServer, type EchoedRequest, type TestServer } from '../helpers/servers.js';

/**
 * `modifier/martian` against a real echo backend: request modifiers edit
 * what the backend receives, response modifiers what the client gets,
 * filters choose between `modifier` and `else`, groups run in order.
 */
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function echo(): Promise<TestServer> {
  const s = await startServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const seen: EchoedRequest = { method: req.method ?? '', url: req.url ?? '', rawHeaders: req.rawHeaders, body: Buffer.concat(chunks).toString('utf8') };
      const body = JSON.stringify(seen);
      res.writeHead(200, { 'Content-Type': 'application/json', 'X-Internal': 'secret', 'Content-Length': Buffer.byteLength(body) }).end(body);
    });
  });
  cleanups.push(() => s.close());
  return s;
}

async function gateway(be: TestServer, martian: unknown, endpoint: Record<string, unknown> = {}) {
  const g = await startRuntime(base([{ endpoint: '/m', output_encoding: 'no-op', input_headers: ['*'], backend: [{ url_pattern: '/m', host: [be.url], extra_config: { 'modifier/martian': martian } }], ...endpoint }]));
  cleanups.push(() => g.close());
  return g;
}

describe('modifier/martian', () => {
  it('edits the request the backend receives: headers set, appended, copied, removed, a query value, a cookie, a body', async () => {
    const be = await echo();
    const gw = await gateway(be, {
      'fifo.Group': {
        scope: ['request', 'response'],
        modifiers: [
          { 'header.Modifier': { scope: ['request'], name: 'X-Env', value: 'prod' } },
          { 'header.Append': { scope: ['request'], name: 'X-Tag', value: 'b' } },
          { 'header.Copy': { scope: ['request'], from: 'X-Source', to: 'X-Copied' } },
          { 'header.Blacklist': { scope: ['request'], names: ['X-Drop'] } },
          { 'querystring.Modifier': { scope: ['request'], name: 'lang', value: 'en' } },
          { 'cookie.Modifier': { scope: ['request'], name: 'session', value: 'abc' } },
          { 'body.Modifier': { scope: ['request'], body: Buffer.from('{"replaced":true}').toString('base64'), contentType: 'application/json' } },
        ],
      },
    }, { input_query_strings: ['*'] });
    const res = await request(`${gw.url}/m?page=2`, { method: 'GET', headers: { 'x-tag': 'a', 'x-source': 'src', 'x-drop': 'gone', cookie: 'theme=dark' } });
    const seen = JSON.parse(res.body) as EchoedRequest;
    expect(headerLines(seen.rawHeaders, 'x-env')).toEqual(['prod']);
    expect(headerLines(seen.rawHeaders, 'x-tag')).toEqual(['a', 'b']);
    expect(headerLines(seen.rawHeaders, 'x-copied')).toEqual(['src']);
    expect(headerLines(seen.rawHeaders, 'x-drop')).toEqual([]);
    expect(headerLines(seen.rawHeaders, 'cookie')).toEqual(['theme=dark; session=abc']);
    expect(new URL(seen.url, 'http://x').searchParams.get('lang')).toBe('en');
    expect(new URL(seen.url, 'http://x').searchParams.get('page')).toBe('2');
    expect(seen.body).toBe('{"replaced":true}');
    expect(headerLines(seen.rawHeaders, 'content-type')).toEqual(['application/json']);
  });

  it('edits the answer the client gets: a header removed and set, the body replaced', async () => {
    const be = await echo();
    const gw = await gateway(be, {
      'fifo.Group': {
        scope: ['response'],
        modifiers: [
          { 'header.Blacklist': { scope: ['response'], names: ['X-Internal'] } },
          { 'header.Modifier': { scope: ['response'], name: 'X-Served-By', value: 'martian' } },
          { 'body.Modifier': { scope: ['response'], body: Buffer.from('hello').toString('base64'), contentType: 'text/plain' } },
        ],
      },
    });
    const res = await request(`${gw.url}/m`);
    expect(res.body).toBe('hello');
    expect(res.headers['x-internal']).toBeUndefined();
    expect(res.headers['x-served-by']).toBe('martian');
    expect(res.headers['content-type']).toBe('text/plain');
    expect(res.headers['content-length']).toBe('5');
  });

  it('runs a filter\'s modifier or its else', async () => {
    const be = await echo();
    const gw = await gateway(be, {
      'header.Filter': {
        scope: ['request'],
        name: 'X-Tier',
        value: 'gold',
        modifier: { 'header.Modifier': { scope: ['request'], name: 'X-Limit', value: '1000' } },
        else: { 'header.Modifier': { scope: ['request'], name: 'X-Limit', value: '10' } },
      },
    });
    const gold = JSON.parse((await request(`${gw.url}/m`, { headers: { 'x-tier': 'gold' } })).body) as EchoedRequest;
    const plain = JSON.parse((await request(`${gw.url}/m`)).body) as EchoedRequest;
    expect(headerLines(gold.rawHeaders, 'x-limit')).toEqual(['1000']);
    expect(headerLines(plain.rawHeaders, 'x-limit')).toEqual(['10']);
  });

  it('is a check error when it does not compile, and leaves the backend unmodified at run time with an error logged', async () => {
    const bad = { 'header.Nope': { scope: ['request'] } };
    const ds = checkGateway(base([{ endpoint: '/m', backend: [{ url_pattern: '/m', extra_config: { 'modifier/martian': bad } }] }]));
    expect(ds.map((d) => d.ruleId)).toContain('martian-invalid');
    // The legacy namespace runs too, so it is checked too.
    const legacy = checkGateway(base([{ endpoint: '/m', backend: [{ url_pattern: '/m', extra_config: { 'github.com/devopsfaith/krakend-martian': bad } }] }]));
    expect(legacy.filter((d) => d.ruleId === 'martian-invalid').map((d) => d.pointer)).toEqual(['/endpoints/0/backend/0/extra_config/github.com~1devopsfaith~1krakend-martian']);
    const be = await echo();
    const gw = await gateway(be, bad);
    expect((await request(`${gw.url}/m`)).status).toBe(200);
    expect(gw.logs.some((l) => l.includes('unknown martian modifier "header.Nope"'))).toBe(true);
  });
});
