import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpCacheStage, httpCache } from '../../../../runtime/qos/http-cache/http-cache-stage.js';
import { httpUpstream } from '../../../../runtime/upstream/http/http-upstream.js';
import type { Upstream, UpstreamRequest } from '../../../../runtime/shared/upstream/upstream.js';
import { startServer, type TestServer } from '../../../helpers/servers.js';
import { backendPlan, call, FakeUpstream, manualClock, recordingHandler, stageDeps, values, type FakeAnswer } from './stage-test-kit.js';

/**
 * `qos/http-cache`: RFC 9111 freshness for GET/HEAD backend answers — what is
 * stored, for how long, under which key, and how a hit is replayed.
 */
function setup(answer: FakeAnswer | ((r: UpstreamRequest) => FakeAnswer), config: Record<string, unknown> = {}) {
  const clock = manualClock();
  const fake = new FakeUpstream(answer);
  const factory = createHttpCacheStage({ now: clock.now });
  const stage = factory(backendPlan({ 'qos/http-cache': config }), stageDeps().deps, fake);
  return { clock, fake, stage, factory };
}

const cacheable = (cc: string, body = 'payload', extra: Array<[string, string]> = []): FakeAnswer => ({
  status: 200,
  headers: [['Content-Type', 'text/plain'], ['Cache-Control', cc], ...extra],
  body,
});

/** An answer whose body tells the calls apart. */
function counting(make: (n: number, req: UpstreamRequest) => FakeAnswer): (req: UpstreamRequest) => FakeAnswer {
  let n = 0;
  return (req) => make(++n, req);
}

describe('http cache: freshness', () => {
  it('serves a fresh answer from the cache with its Age, and fetches again once stale', async () => {
    const { clock, fake, stage } = setup(counting((n) => cacheable('max-age=60', `v${n}`)));
    expect((await call(stage)).body).toBe('v1');
    clock.advance(30_500);
    const hit = await call(stage);
    expect(hit.body).toBe('v1');
    expect(hit.status).toBe(200);
    expect(values(hit.headers, 'age')).toEqual(['30']);
    expect(values(hit.headers, 'cache-control')).toEqual(['max-age=60']);
    expect(fake.calls).toHaveLength(1);
    clock.advance(29_500); // age 60 s: no longer fresh
    expect((await call(stage)).body).toBe('v2');
    expect(fake.calls).toHaveLength(2);
    expect((await call(stage)).body).toBe('v2');
    expect(fake.calls).toHaveLength(2);
  });

  it('counts the Age the backend reported', async () => {
    const { clock, fake, stage } = setup(cacheable('max-age=60', 'x', [['Age', '50']]));
    await call(stage);
    clock.advance(5_000);
    expect(values((await call(stage)).headers, 'age')).toEqual(['55']);
    clock.advance(5_000);
    await call(stage);
    expect(fake.calls).toHaveLength(2);
  });

  it('uses Expires minus Date when there is no max-age', async () => {
    const clock = manualClock();
    const date = new Date(clock.now()).toUTCString();
    const expires = new Date(clock.now() + 20_000).toUTCString();
    const fake = new FakeUpstream({ status: 200, headers: [['Date', date], ['Expires', expires]], body: 'e' });
    const stage = createHttpCacheStage({ now: clock.now })(backendPlan({ 'qos/http-cache': {} }), stageDeps().deps, fake);
    await call(stage);
    clock.advance(19_000);
    await call(stage);
    expect(fake.calls).toHaveLength(1);
    clock.advance(1_000);
    await call(stage);
    expect(fake.calls).toHaveLength(2);
  });

  it('max-age wins over Expires; an invalid Expires is already stale', async () => {
    const { clock, fake, stage } = setup((req) =>
      req.path === '/both'
        ? { status: 200, headers: [['Cache-Control', 'max-age=100'], ['Expires', 'Thu, 01 Jan 1970 00:00:00 GMT']], body: 'b' }
        : { status: 200, headers: [['Expires', '0']], body: 'z' },
    );
    await call(stage, { path: '/both' });
    clock.advance(50_000);
    await call(stage, { path: '/both' });
    expect(fake.calls).toHaveLength(1);
    await call(stage, { path: '/zero' });
    await call(stage, { path: '/zero' });
    expect(fake.calls).toHaveLength(3);
  });

  it('does not store answers without explicit freshness or a validator', async () => {
    const { fake, stage } = setup({ status: 200, headers: [['Content-Type', 'text/plain']], body: 'plain' });
    await call(stage);
    await call(stage);
    expect(fake.calls).toHaveLength(2);
  });

  it('stores only cacheable statuses', async () => {
    const { fake, stage } = setup((req) => ({ status: Number(req.path.slice(1)), headers: [['Cache-Control', 'max-age=60']], body: 's' }));
    for (const status of [200, 203, 301, 404, 410]) {
      await call(stage, { path: `/${status}` });
      await call(stage, { path: `/${status}` });
    }
    expect(fake.calls).toHaveLength(5);
    for (const status of [201, 302, 500, 503]) {
      await call(stage, { path: `/${status}` });
      await call(stage, { path: `/${status}` });
    }
    expect(fake.calls).toHaveLength(13);
  });

  it('caches HEAD apart from GET and never caches POST', async () => {
    const { fake, stage } = setup(counting((n, req) => cacheable('max-age=60', req.method === 'HEAD' ? '' : `v${n}`)));
    await call(stage, { method: 'HEAD' });
    await call(stage, { method: 'HEAD' });
    expect(fake.calls).toHaveLength(1);
    expect((await call(stage)).body).toBe('v2');
    await call(stage, { method: 'POST' });
    await call(stage, { method: 'POST' });
    expect(fake.calls).toHaveLength(4);
  });

  it('a successful unsafe request drops the stored GET answer', async () => {
    const { fake, stage } = setup(counting((n, req) => (req.method === 'GET' ? cacheable('max-age=60', `v${n}`) : { status: req.path === '/res' ? 204 : 500 })));
    await call(stage);
    await call(stage, { method: 'DELETE', path: '/res?x=1' }); // another URI: no effect
    await call(stage, { method: 'POST' , path: '/res' }); // success: invalidates
    expect((await call(stage)).body).toBe('v4');
    expect(fake.calls).toHaveLength(4);
  });

  it('passes a Range request through untouched', async () => {
    const { fake, stage } = setup(cacheable('max-age=60'));
    await call(stage, { headers: ['Range', 'bytes=0-1'] });
    await call(stage, { headers: ['Range', 'bytes=0-1'] });
    expect(fake.calls).toHaveLength(2);
  });
});

describe('http cache: directives', () => {
  it('never stores no-store answers', async () => {
    const { fake, stage } = setup(cacheable('no-store, max-age=60'));
    await call(stage);
    await call(stage);
    expect(fake.calls).toHaveLength(2);
  });

  it('private: stored by the (default) private cache, not by a shared one', async () => {
    const priv = setup(cacheable('private, max-age=60'));
    await call(priv.stage);
    await call(priv.stage);
    expect(priv.fake.calls).toHaveLength(1);
    const shared = setup(cacheable('private, max-age=60'), { shared: true });
    await call(shared.stage);
    await call(shared.stage);
    expect(shared.fake.calls).toHaveLength(2);
  });

  it('s-maxage only counts in a shared cache', async () => {
    for (const [shared, fetches] of [[false, 2], [true, 1]] as const) {
      const { clock, fake, stage } = setup(cacheable('max-age=10, s-maxage=100'), { shared });
      await call(stage);
      clock.advance(50_000);
      await call(stage);
      expect(fake.calls).toHaveLength(fetches);
    }
  });

  it('a shared cache does not store answers to requests with Authorization unless allowed', async () => {
    const denied = setup(cacheable('max-age=60'), { shared: true });
    await call(denied.stage, { headers: ['Authorization', 'Bearer a'] });
    await call(denied.stage, { headers: ['Authorization', 'Bearer a'] });
    expect(denied.fake.calls).toHaveLength(2);
    const allowed = setup(cacheable('public, max-age=60'), { shared: true });
    await call(allowed.stage, { headers: ['Authorization', 'Bearer a'] });
    await call(allowed.stage, { headers: ['Authorization', 'Bearer a'] });
    expect(allowed.fake.calls).toHaveLength(1);
  });

  it('client no-cache goes to the backend and refreshes the entry; client no-store is not stored', async () => {
    const { fake, stage } = setup(counting((n) => cacheable('max-age=60', `v${n}`)));
    await call(stage);
    expect((await call(stage, { headers: ['Cache-Control', 'no-cache'] })).body).toBe('v2');
    expect((await call(stage)).body).toBe('v2');
    expect(fake.calls).toHaveLength(2);
    const other = setup(counting((n) => cacheable('max-age=60', `w${n}`)));
    await call(other.stage, { headers: ['Cache-Control', 'no-store'] });
    expect((await call(other.stage)).body).toBe('w2');
    // RFC 9111 §5.2.1.5: no-store only forbids storing; a stored answer may still serve it.
    expect((await call(other.stage, { headers: ['Cache-Control', 'no-store'] })).body).toBe('w2');
    expect(other.fake.calls).toHaveLength(2);
  });

  it('client max-age and min-fresh narrow what counts as fresh; max-stale widens it', async () => {
    const { clock, fake, stage } = setup(counting((n) => cacheable('max-age=60', `v${n}`)));
    await call(stage);
    clock.advance(20_000);
    expect((await call(stage, { headers: ['Cache-Control', 'max-age=30'] })).body).toBe('v1');
    expect((await call(stage, { headers: ['Cache-Control', 'max-age=10'] })).body).toBe('v2');
    clock.advance(45_000); // v2 is 45 s old: 15 s left
    expect((await call(stage, { headers: ['Cache-Control', 'min-fresh=20'] })).body).toBe('v3');
    clock.advance(70_000); // v3 is 10 s stale
    expect((await call(stage, { headers: ['Cache-Control', 'max-stale=30'] })).body).toBe('v3');
    expect((await call(stage, { headers: ['Cache-Control', 'max-stale=5'] })).body).toBe('v4');
    expect(fake.calls).toHaveLength(4);
  });

  it('must-revalidate answers are never served stale', async () => {
    const { clock, fake, stage } = setup(cacheable('max-age=10, must-revalidate'));
    await call(stage);
    clock.advance(20_000);
    await call(stage, { headers: ['Cache-Control', 'max-stale'] });
    expect(fake.calls).toHaveLength(2);
  });

  it('qualified no-cache="field" leaves that field out of the stored copy', async () => {
    const { fake, stage } = setup(cacheable('max-age=60, no-cache="X-Secret"', 'b', [['X-Secret', 's'], ['X-Kept', 'k']]));
    const first = await call(stage);
    expect(values(first.headers, 'x-secret')).toEqual(['s']);
    const hit = await call(stage);
    expect(values(hit.headers, 'x-secret')).toEqual([]);
    expect(values(hit.headers, 'x-kept')).toEqual(['k']);
    expect(fake.calls).toHaveLength(1);
  });

  it('drops hop-by-hop lines and those named by Connection from the stored copy', async () => {
    const { stage } = setup(cacheable('max-age=60', 'b', [['Connection', 'X-Hop'], ['X-Hop', '1'], ['Keep-Alive', 'timeout=5'], ['Transfer-Encoding', 'chunked']]));
    await call(stage);
    const hit = await call(stage);
    for (const h of ['connection', 'x-hop', 'keep-alive', 'transfer-encoding']) expect(values(hit.headers, h)).toEqual([]);
  });
});

describe('http cache: Set-Cookie', () => {
  const withCookies = cacheable('max-age=60', 'c', [['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2']]);

  it('a private cache stores and replays every Set-Cookie line', async () => {
    const { fake, stage } = setup(withCookies);
    await call(stage);
    const hit = await call(stage);
    expect(values(hit.headers, 'set-cookie')).toEqual(['a=1', 'b=2']);
    expect(fake.calls).toHaveLength(1);
  });

  it('a shared cache does not store an answer that sets cookies', async () => {
    const { fake, stage } = setup(withCookies, { shared: true });
    expect(values((await call(stage)).headers, 'set-cookie')).toEqual(['a=1', 'b=2']);
    await call(stage);
    expect(fake.calls).toHaveLength(2);
  });
});

describe('http cache: Vary', () => {
  it('keys by the varied request headers', async () => {
    const { fake, stage } = setup((req) => {
      const lang = values(req.headers, 'accept-language')[0] ?? 'none';
      return cacheable('max-age=60', `lang:${lang}`, [['Vary', 'Accept-Language']]);
    });
    expect((await call(stage, { headers: ['Accept-Language', 'en'] })).body).toBe('lang:en');
    expect((await call(stage, { headers: ['Accept-Language', 'fr'] })).body).toBe('lang:fr');
    expect((await call(stage, { headers: ['accept-language', 'en'] })).body).toBe('lang:en');
    expect((await call(stage, { headers: ['Accept-Language', 'fr'] })).body).toBe('lang:fr');
    expect((await call(stage)).body).toBe('lang:none');
    expect((await call(stage, { headers: ['Accept-Language', 'en', 'X-Other', '1'] })).body).toBe('lang:en');
    expect(fake.calls).toHaveLength(3);
  });

  it('Vary: * is never stored', async () => {
    const { fake, stage } = setup(cacheable('max-age=60', 'v', [['Vary', '*']]));
    await call(stage);
    await call(stage);
    expect(fake.calls).toHaveLength(2);
  });
});

describe('http cache: revalidation', () => {
  it('revalidates a stale entry with its ETag and replays it on 304', async () => {
    let version = 'v1';
    const { clock, fake, stage } = setup((req) => {
      if (values(req.headers, 'if-none-match')[0] === `"${version}"`) return { status: 304, headers: [['Cache-Control', 'max-age=30'], ['X-Refreshed', 'yes']] };
      return cacheable('max-age=10', `body-${version}`, [['ETag', `"${version}"`], ['X-Refreshed', 'no']]);
    });
    await call(stage);
    clock.advance(11_000);
    const revalidated = await call(stage);
    expect(fake.calls[1]!.headers).toEqual(['If-None-Match', '"v1"']);
    expect(revalidated.status).toBe(200);
    expect(revalidated.body).toBe('body-v1');
    expect(values(revalidated.headers, 'x-refreshed')).toEqual(['yes']);
    expect(values(revalidated.headers, 'etag')).toEqual(['"v1"']);
    clock.advance(20_000); // fresh for 30 s after the 304
    expect((await call(stage)).body).toBe('body-v1');
    expect(fake.calls).toHaveLength(2);
    version = 'v2';
    clock.advance(20_000);
    expect((await call(stage)).body).toBe('body-v2');
    expect(fake.calls).toHaveLength(3);
  });

  it('no-cache answers with a validator are stored but always revalidated', async () => {
    const { fake, stage } = setup((req) =>
      values(req.headers, 'if-modified-since').length > 0 ? { status: 304 } : cacheable('no-cache', 'nc', [['Last-Modified', 'Wed, 01 Jan 2025 00:00:00 GMT']]),
    );
    await call(stage);
    const second = await call(stage);
    expect(second.body).toBe('nc');
    expect(fake.calls[1]!.headers).toEqual(['If-Modified-Since', 'Wed, 01 Jan 2025 00:00:00 GMT']);
  });

  it("leaves a client's own conditional request alone", async () => {
    const { clock, fake, stage } = setup((req) => (values(req.headers, 'if-none-match').length > 0 ? { status: 304 } : cacheable('max-age=1', 'b', [['ETag', '"e"']])));
    await call(stage);
    clock.advance(2_000);
    const r = await call(stage, { headers: ['If-None-Match', '"e"'] });
    expect(r.status).toBe(304);
    expect(fake.calls[1]!.headers).toEqual(['If-None-Match', '"e"']);
  });

  it("revalidates through a copy of the request, writing the called URL back to the caller's", async () => {
    const clock = manualClock();
    const fake = new FakeUpstream(cacheable('max-age=1', 'b', [['ETag', '"e"']]));
    const urlSetting: Upstream = {
      dispatch(request, handler) {
        request.url = 'http://seen/res';
        fake.dispatch(request, handler);
      },
      close: async () => {},
    };
    const stage = createHttpCacheStage({ now: clock.now })(backendPlan({ 'qos/http-cache': {} }), stageDeps().deps, urlSetting);
    await call(stage);
    clock.advance(2_000);
    const req: UpstreamRequest = { method: 'GET', path: '/res', headers: [], body: null };
    const r = recordingHandler();
    stage.dispatch(req, r.handler);
    await r.done;
    expect(fake.calls[1]!.headers).toEqual(['If-None-Match', '"e"']);
    expect(req.headers).toEqual([]);
    expect(req.url).toBe('http://seen/res');
  });
});

describe('http cache: replay and streaming', () => {
  it('streams a miss to the caller chunk by chunk while keeping a copy', async () => {
    const { fake, stage } = setup({ ...cacheable('max-age=60'), body: ['one,', 'two'], holdAfterFirstChunk: true });
    const r = recordingHandler();
    stage.dispatch({ method: 'GET', path: '/res', headers: [], body: null }, r.handler);
    await new Promise((res) => setImmediate(res));
    expect(r.events).toEqual(['connect', 'headers 200', 'data one,']);
    fake.releaseHeld();
    expect((await r.done).body).toBe('one,two');
    expect((await call(stage)).body).toBe('one,two');
    expect(fake.calls).toHaveLength(1);
  });

  it('does not store an answer that failed mid-body', async () => {
    const { fake, stage } = setup({ ...cacheable('max-age=60'), body: ['part', 'rest'], holdAfterFirstChunk: true });
    const r = recordingHandler();
    stage.dispatch({ method: 'GET', path: '/res', headers: [], body: null }, r.handler);
    await new Promise((res) => setImmediate(res));
    r.result.abort!(new Error('context canceled'));
    expect((await r.done).error?.message).toBe('context canceled');
    fake.releaseHeld();
    fake.answer = cacheable('max-age=60');
    await call(stage);
    await call(stage);
    expect(fake.calls).toHaveLength(2);
  });

  it('replays a hit through the same callbacks, pausing when the handler asks', async () => {
    const body = 'x'.repeat(200 * 1024);
    const { stage } = setup(cacheable('max-age=60', body));
    await call(stage);
    const events: string[] = [];
    let resume: () => void = () => {};
    let received = 0;
    await new Promise<void>((done) => {
      stage.dispatch(
        { method: 'GET', path: '/res', headers: [], body: null },
        {
          onConnect: () => events.push('connect'),
          onHeaders: (status, _raw, r) => {
            events.push(`headers ${status}`);
            resume = r;
            return true;
          },
          onData: (chunk) => {
            received += chunk.length;
            events.push('data');
            return false; // pause after every chunk
          },
          onComplete: () => {
            events.push('complete');
            done();
          },
          onError: (e) => events.push(`error ${e.message}`),
        },
      );
      expect(events).toEqual(['connect', 'headers 200', 'data']);
      const step = () => {
        if (events.at(-1) === 'complete') return;
        resume();
        setImmediate(step);
      };
      setImmediate(step);
    });
    expect(received).toBe(body.length);
    expect(events.filter((e) => e === 'data').length).toBeGreaterThan(1);
  });

  it('an abort during a paused replay ends it with onError', async () => {
    const { stage } = setup(cacheable('max-age=60', 'y'.repeat(200 * 1024)));
    await call(stage);
    const events: string[] = [];
    let abort: (reason?: Error) => void = () => {};
    stage.dispatch(
      { method: 'GET', path: '/res', headers: [], body: null },
      {
        onConnect: (a) => (abort = a),
        onHeaders: () => false,
        onData: () => true,
        onComplete: () => events.push('complete'),
        onError: (e) => events.push(`error ${e.message}`),
      },
    );
    abort(new Error('client closed the connection'));
    expect(events).toEqual(['error client closed the connection']);
  });
});

describe('http cache: size bounds', () => {
  it('evicts the least recently used entry past max_items', async () => {
    const { fake, stage } = setup(counting((n, req) => cacheable('max-age=60', `${req.path}#${n}`)), { max_items: 2, max_size: 1_000_000 });
    await call(stage, { path: '/a' });
    await call(stage, { path: '/b' });
    await call(stage, { path: '/a' }); // hit: /a is now the most recent
    await call(stage, { path: '/c' }); // evicts /b
    expect(fake.calls).toHaveLength(3);
    expect((await call(stage, { path: '/a' })).body).toBe('/a#1');
    expect((await call(stage, { path: '/c' })).body).toBe('/c#3');
    expect((await call(stage, { path: '/b' })).body).toBe('/b#4');
    expect(fake.calls).toHaveLength(4);
  });

  it('evicts by bytes past max_size and never stores an answer larger than the cache', async () => {
    const big = 'b'.repeat(3000);
    const { fake, stage } = setup(counting((n, req) => cacheable('max-age=60', req.path === '/huge' ? 'h'.repeat(10_000) : `${big}${n}`)), {
      max_items: 100,
      max_size: 8000,
    });
    await call(stage, { path: '/1' });
    await call(stage, { path: '/2' });
    await call(stage, { path: '/1' }); // both fit
    expect(fake.calls).toHaveLength(2);
    await call(stage, { path: '/3' }); // ~9.9 KB in all: /2 (least recent) goes
    await call(stage, { path: '/1' });
    await call(stage, { path: '/3' });
    expect(fake.calls).toHaveLength(3);
    await call(stage, { path: '/2' });
    expect(fake.calls).toHaveLength(4);
    await call(stage, { path: '/huge' });
    await call(stage, { path: '/huge' });
    expect(fake.calls).toHaveLength(6);
  });
});

describe('http cache: wiring', () => {
  it('shared: true backends share one store, keyed by their hosts too', async () => {
    const clock = manualClock();
    const factory = createHttpCacheStage({ now: clock.now });
    const { deps } = stageDeps();
    const a = new FakeUpstream(cacheable('max-age=60', 'from-a'));
    const b = new FakeUpstream(cacheable('max-age=60', 'from-b'));
    const c = new FakeUpstream(cacheable('max-age=60', 'from-c'));
    const own = new FakeUpstream(cacheable('max-age=60', 'from-own'));
    const stageA = factory(backendPlan({ 'qos/http-cache': { shared: true } }), deps, a);
    const stageB = factory(backendPlan({ 'qos/http-cache': { shared: true } }), deps, b);
    const stageC = factory(backendPlan({ 'qos/http-cache': { shared: true } }, { hosts: ['http://elsewhere.test'] }), deps, c);
    const stageOwn = factory(backendPlan({ 'qos/http-cache': {} }), deps, own);
    await call(stageA);
    expect((await call(stageB)).body).toBe('from-a');
    expect((await call(stageC)).body).toBe('from-c');
    expect((await call(stageOwn)).body).toBe('from-own');
    expect([a.calls.length, b.calls.length, c.calls.length, own.calls.length]).toEqual([1, 0, 1, 1]);
  });

  it('without its namespace the stage is the next upstream itself; otherwise it delegates ready and close', async () => {
    const fake = new FakeUpstream();
    expect(httpCache(backendPlan({}), stageDeps().deps, fake)).toBe(fake);
    const stage = httpCache(backendPlan({ 'qos/http-cache': {} }), stageDeps().deps, fake);
    expect(stage).not.toBe(fake);
    expect(stage.ready).toBe(fake.ready);
    await stage.close();
    expect(fake.closed).toBe(1);
  });
});

describe('http cache over a real HTTP backend', () => {
  let backend: TestServer;
  let hits = 0;

  beforeAll(async () => {
    backend = await startServer((req, res) => {
      hits++;
      const body = JSON.stringify({ hit: hits, path: req.url });
      res.writeHead(200, [['Content-Type', 'application/json'], ['Cache-Control', 'public, max-age=60'], ['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2'], ['Content-Length', String(Buffer.byteLength(body))]].flat());
      res.end(body);
    });
  });

  afterAll(async () => {
    await backend.close();
  });

  it('answers from the cache within max-age and calls the backend again after it', async () => {
    const clock = manualClock(Date.now());
    const { deps } = stageDeps();
    const plan = backendPlan({ 'qos/http-cache': { max_items: 10, max_size: 1024 * 1024 } }, { hosts: [backend.url] });
    const stage = createHttpCacheStage({ now: clock.now })(plan, deps, httpUpstream(plan, deps));
    try {
      const first = await call(stage, { path: '/users/1' });
      expect(JSON.parse(first.body)).toEqual({ hit: 1, path: '/users/1' });
      clock.advance(10_000);
      const second = await call(stage, { path: '/users/1' });
      expect(second.body).toBe(first.body);
      expect(Number(values(second.headers, 'age')[0])).toBeGreaterThanOrEqual(10);
      expect(values(second.headers, 'set-cookie')).toEqual(['a=1', 'b=2']);
      expect(values(second.headers, 'content-length')).toEqual([String(first.body.length)]);
      expect(hits).toBe(1);
      // A hit still tells the caller which URL the answer came from (for error texts).
      const req: UpstreamRequest = { method: 'GET', path: '/users/1', headers: [], body: null };
      const r = recordingHandler();
      stage.dispatch(req, r.handler);
      await r.done;
      expect(req.url).toBe(`${backend.url}/users/1`);
      expect(hits).toBe(1);
      expect(JSON.parse((await call(stage, { path: '/users/2' })).body)).toEqual({ hit: 2, path: '/users/2' });
      clock.advance(51_000);
      expect(JSON.parse((await call(stage, { path: '/users/1' })).body)).toEqual({ hit: 3, path: '/users/1' });
      expect(hits).toBe(3);
    } finally {
      await deps.pools.close();
    }
  });
});
