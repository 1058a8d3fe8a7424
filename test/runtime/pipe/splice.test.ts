import { afterEach, describe, expect, it } from 'vitest';
import type { IncomingMessage } from 'node:http';
import { base, planOf } from '../../helpers/check.js';
import { startRuntime } from '../../helpers/gateway.js';
import { request, startServer } from '../../helpers/servers.js';
import { stageDeps } from '../qos/http-cache/stage-test-kit.js';
import { compileBackendProxy } from '../../../runtime/core/pipe/backend-proxy.js';
import { compileMerge } from '../../../runtime/core/pipe/merge.js';
import { CanonicalResponse } from '../../../runtime/core/pipe/canonical-response.js';
import type { Proxy, ProxyContext, ProxyResponse } from '../../../runtime/core/pipe/proxy.js';
import { canonicalObject } from '../../../runtime/shared/json/canonical-object.js';
import { decodeFirstJsonValue } from '../../../runtime/shared/json/parse-json.js';
import { encodeJson } from '../../../runtime/shared/json/encode-json.js';
import type { JsonObject } from '../../../runtime/shared/json/json-number.js';
import { httpUpstream } from '../../../runtime/upstream/http/http-upstream.js';
import { branding } from '../../../runtime/shared/branding.js';

/**
 * The splice path of a decoding endpoint: answers already in Go's encoding go
 * to the client as text (never decoded), everything else takes the tree path,
 * and the client cannot tell which ran.
 */

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** Bodies as backends send them: Go-encoded ones (spliced) and ones only the tree path can re-encode. */
const BODIES: Record<string, string> = {
  canonical: '{"id":9007199254740993,"name":"ada","price":1.50,"tags":["a","b"]}',
  nested: '{"a":{"x":[{"k":-0,"m":"\\u003cb\\u003e \\n"}]},"z":null}',
  whitespace: '{\n  "a": 1,\n  "b": [ 2, 3 ]\n}\n',
  unsorted: '{"name":"bob","id":2,"extra":{"y":1,"x":2}}',
  duplicate: '{"a":1,"a":2,"b":"\\u00e9"}',
  empty: '{}',
  trailing: '{"first":true}\n{"second":true}',
};

/** What the tree path writes for parts merged in this order (Object.assign, last wins). */
function treeMerge(names: string[]): string {
  const data = names.map((n) => decodeFirstJsonValue(BODIES[n]!) as JsonObject).reduce((acc, d) => Object.assign(acc, d), {} as JsonObject);
  return encodeJson(data);
}

async function backend() {
  const s = await startServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(BODIES[(req.url ?? '').slice(1)] ?? '{"missing":true}');
  });
  cleanups.push(() => s.close());
  return s;
}

describe('splicing a decoding endpoint\'s answers', () => {
  it('answers with the tree path\'s bytes for every kind of body, single and merged, spliced or not', async () => {
    const be = await backend();
    const names = Object.keys(BODIES);
    const endpoints: unknown[] = [];
    for (const n of names) {
      endpoints.push({ endpoint: `/one/${n}`, backend: [{ url_pattern: `/${n}`, host: [be.url] }] });
      // proxy.static with a strategy that never applies here turns splicing off: the tree path, same answer.
      endpoints.push({ endpoint: `/tree/${n}`, backend: [{ url_pattern: `/${n}`, host: [be.url] }], extra_config: { proxy: { static: { strategy: 'errored', data: { x: 1 } } } } });
    }
    // No key in two parts of one merge: arrival order (which decides a conflict) is the unit tests' business.
    const merges = [
      ['canonical', 'nested', 'empty'],
      ['unsorted', 'whitespace', 'trailing'],
      ['duplicate', 'canonical', 'trailing'],
    ];
    merges.forEach((parts, m) => {
      const backends = parts.map((p) => ({ url_pattern: `/${p}`, host: [be.url] }));
      endpoints.push({ endpoint: `/merge/${m}`, backend: backends });
      endpoints.push({ endpoint: `/merge-tree/${m}`, backend: backends, extra_config: { proxy: { static: { strategy: 'errored', data: { x: 1 } } } } });
    });
    const gw = await startRuntime(base(endpoints));
    cleanups.push(() => gw.close());

    for (const n of names) {
      const spliced = await request(`${gw.url}/one/${n}`);
      const tree = await request(`${gw.url}/tree/${n}`);
      expect(spliced.body, n).toBe(treeMerge([n]));
      expect([spliced.status, spliced.headers['x-gateway-completed'], spliced.headers['content-type'], spliced.headers['content-length']], n).toEqual([
        tree.status,
        tree.headers['x-gateway-completed'],
        tree.headers['content-type'],
        tree.headers['content-length'],
      ]);
      expect(spliced.body, n).toBe(tree.body);
    }
    expect((await request(`${gw.url}/one/empty`)).headers['x-gateway-completed']).toBe('false');
    for (const [m, parts] of merges.entries()) {
      const spliced = await request(`${gw.url}/merge/${m}`);
      const tree = await request(`${gw.url}/merge-tree/${m}`);
      expect(spliced.body, parts.join('+')).toBe(treeMerge(parts));
      expect(spliced.body).toBe(tree.body);
      expect(spliced.headers['x-gateway-completed']).toBe('true');
    }
  });

  it('passes a Go-encoded answer on as text, and decodes the others', async () => {
    const be = await backend();
    const plan = planOf(base([{ endpoint: '/e', backend: [{ url_pattern: '/canonical', host: [be.url] }, { url_pattern: '/unsorted', host: [be.url] }] }]));
    const endpoint = plan.endpoints[0]!;
    const { deps } = stageDeps('ERROR');
    cleanups.push(() => deps.pools.close());
    const brand = branding({ name: 'test', version: '1' }, false);
    // A real client request for the backend request to be built from.
    let clientReq!: IncomingMessage;
    const front = await startServer((req, res) => {
      clientReq = req;
      res.end();
    });
    cleanups.push(() => front.close());
    await request(`${front.url}/e`);
    const ctx: ProxyContext = { req: clientReq, params: [], rawQuery: '', body: false };
    const call = (p: Proxy) => new Promise<ProxyResponse | null>((resolve) => p(ctx, (_err, res) => resolve(res)));

    const [canonical, unsorted] = endpoint.backends.map((b) => compileBackendProxy(endpoint, b, httpUpstream(b, deps), brand, {}, true));
    const spliced = await call(canonical!);
    expect(spliced).toBeInstanceOf(CanonicalResponse);
    expect(spliced!.canonical?.text).toBe(BODIES.canonical);
    const decoded = await call(unsorted!);
    expect(decoded!.canonical).toBeUndefined();
    expect(encodeJson(decoded!.data)).toBe(treeMerge(['unsorted']));
    // Without the endpoint's consent (splice = false) nothing stays text.
    const off = await call(compileBackendProxy(endpoint, endpoint.backends[0]!, httpUpstream(endpoint.backends[0]!, deps), brand, {}, false));
    expect(off!.canonical).toBeUndefined();
  });
});

describe('merge of text answers', () => {
  const answer = (res: ProxyResponse): Proxy => (_ctx, done) => {
    done(null, res);
    return () => {};
  };
  const ctx: ProxyContext = { req: {} as IncomingMessage, params: [], rawQuery: '', body: false };
  const run = (p: Proxy) => new Promise<ProxyResponse | null>((resolve) => p(ctx, (_err, res) => resolve(res)));
  const text = (s: string) => new CanonicalResponse(canonicalObject(s)!, true);

  it('splices when every part is text, last arrival winning a key', async () => {
    const res = await run(compileMerge([answer(text('{"a":1,"c":[1]}')), answer(text('{"a":"second","b":{}}'))], 1000));
    expect(res!.canonical?.text).toBe('{"a":"second","b":{},"c":[1]}');
    expect(res!.isComplete).toBe(true);
  });

  it('takes the tree path when one part is a tree, or when something runs after the merge', async () => {
    const mixed = await run(compileMerge([answer(text('{"a":1}')), answer({ data: { b: 2 }, isComplete: true })], 1000));
    expect(mixed!.canonical).toBeUndefined();
    expect(mixed!.data).toEqual({ a: 1, b: 2 });
    const after = await run(compileMerge([answer(text('{"a":1}')), answer(text('{"b":2}'))], 1000, (d) => ({ ...d, c: 3 })));
    expect(after!.canonical).toBeUndefined();
    expect(after!.data).toEqual({ a: 1, b: 2, c: 3 });
  });

  it('gives the text up once anyone reads the data, so a change to the tree is what renders', () => {
    const res = text('{"a":1}');
    res.data.b = 2;
    expect(res.canonical).toBeUndefined();
    expect({ ...res }).not.toHaveProperty('canonical');
    expect(res.data).toEqual({ a: 1, b: 2 });
  });
});
