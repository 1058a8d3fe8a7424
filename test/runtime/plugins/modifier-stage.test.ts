import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { BufferedCall, type BufferedResponse } from '../../../runtime/core/buffered-call.js';
import { createLogger } from '../../../runtime/shared/log/logger.js';
import type { BackendPlan } from '../../../runtime/plan/plan.js';
import type { ModifiableRequest, ModifierPlugin, PluginRegistration } from '../../../runtime/plugins/plugin-api.js';
import {
  applyRequestModifiers, applyResponseModifiers, createModifierUpstream, modifierStage, resolveModifiers,
} from '../../../runtime/plugins/modifier-stage.js';
import type { Upstream, UpstreamDeps, UpstreamHandler, UpstreamRequest } from '../../../runtime/shared/upstream/upstream.js';

const deps: UpstreamDeps = { hostMap: {}, log: createLogger({ write: () => {} }), disableCompression: false, pools: undefined as never };

/** An upstream that records the request it gets (body read) and answers `answer`. */
function recordingUpstream(answer: { status: number; headers: string[]; chunks: string[] } = { status: 200, headers: ['Content-Type', 'application/json', 'Content-Length', '15', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2'], chunks: ['{"user":', '"ada"}'] }) {
  const seen: Array<UpstreamRequest & { bodyText: string | null }> = [];
  let closed = 0;
  const upstream: Upstream = {
    dispatch(request, handler) {
      void (async () => {
        let bodyText: string | null = null;
        if (request.body) {
          const parts: Buffer[] = [];
          for await (const c of (Buffer.isBuffer(request.body) ? [request.body] : request.body) as AsyncIterable<Buffer>) parts.push(c);
          bodyText = Buffer.concat(parts).toString();
        }
        seen.push({ ...request, bodyText });
        handler.onConnect(() => {});
        handler.onHeaders(answer.status, answer.headers.map((s) => Buffer.from(s)), () => {}, '');
        for (const c of answer.chunks) handler.onData(Buffer.from(c));
        handler.onComplete(null);
      })();
    },
    close: async () => {
      closed++;
    },
  };
  return { upstream, seen, closed: () => closed };
}

function call(upstream: Upstream, request: UpstreamRequest): Promise<BufferedResponse> {
  return new Promise((resolve, reject) => upstream.dispatch(request, new BufferedCall(0, (err, res) => (err ? reject(err) : resolve(res!)))));
}

function header(headers: string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < headers.length; i += 2) if (headers[i]!.toLowerCase() === name) out.push(headers[i + 1]!);
  return out;
}

const envelope: ModifierPlugin = {
  name: 'envelope',
  hgw: '*',
  kind: 'modifier',
  create: (config) => ({
    request(r) {
      r.headers['x-tenant'] = [String(config.tenant ?? 'none')];
      r.path = `/v2${r.path}`;
      r.query = r.query === '' ? 'via=plugin' : `${r.query}&via=plugin`;
      if (r.body) r.body = Buffer.from(r.body.toString().toUpperCase());
    },
    response(r) {
      r.body = Buffer.from(JSON.stringify({ data: JSON.parse(r.body.toString()), status: r.status }));
      r.headers['x-enveloped'] = ['yes'];
    },
  }),
};

function backend(extraConfig: Record<string, unknown>): BackendPlan {
  return { urlPattern: '/x', hosts: [], extraConfig } as unknown as BackendPlan;
}

describe('modifier plugins as a backend stage (extra_config["plugin/req-resp-modifier"])', () => {
  it('rewrites the request (path, query, headers, body) before the upstream and the whole response after it', async () => {
    const rec = recordingUpstream();
    const stage = modifierStage([envelope])(backend({ 'plugin/req-resp-modifier': { name: ['envelope'], envelope: { tenant: 'acme' } } }), deps, rec.upstream);
    const body = Readable.from([Buffer.from('hello '), Buffer.from('world')]);
    const res = await call(stage, { method: 'POST', path: '/users?x=1', headers: ['Content-Type', 'text/plain', 'Content-Length', '11'], body });
    const got = rec.seen[0]!;
    expect(got.path).toBe('/v2/users?x=1&via=plugin');
    expect(got.bodyText).toBe('HELLO WORLD');
    expect(header(got.headers, 'x-tenant')).toEqual(['acme']);
    // Framing headers are left to the upstream, which frames the new body itself.
    expect(header(got.headers, 'content-length')).toEqual([]);
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('{"data":{"user":"ada"},"status":200}');
    expect(header(res.headers, 'content-length')).toEqual([String(res.body.length)]);
    expect(header(res.headers, 'set-cookie')).toEqual(['a=1', 'b=2']);
    expect(header(res.headers, 'x-enveloped')).toEqual(['yes']);
  });

  it('runs several modifiers in the listed order; a hook may return a replacement instead of changing in place', async () => {
    const order: string[] = [];
    const mk = (name: string): ModifierPlugin => ({
      name,
      hgw: '*',
      kind: 'modifier',
      create: () => ({
        request: (r) => {
          order.push(`req ${name}`);
          return { ...r, headers: { ...r.headers, 'x-order': [...(r.headers['x-order'] ?? []), name] } };
        },
        response: async (r) => {
          order.push(`res ${name}`);
          return { ...r, body: Buffer.from(`${r.body.toString()}+${name}`) };
        },
      }),
    });
    const rec = recordingUpstream({ status: 202, headers: [], chunks: ['base'] });
    const stage = modifierStage([mk('a'), mk('b')])(backend({ 'plugin/req-resp-modifier': { name: ['b', 'a'] } }), deps, rec.upstream);
    const res = await call(stage, { method: 'GET', path: '/', headers: [], body: null });
    expect(order).toEqual(['req b', 'req a', 'res b', 'res a']);
    expect(header(rec.seen[0]!.headers, 'x-order')).toEqual(['b', 'a']);
    expect(res.status).toBe(202);
    expect(res.body.toString()).toBe('base+b+a');
  });

  it('with only request hooks the response streams through untouched (and the request body is replayed)', async () => {
    const tagger: ModifierPlugin = { name: 't', hgw: '*', kind: 'modifier', create: () => ({ request: (r) => void (r.method = 'PUT') }) };
    const rec = recordingUpstream();
    const stage = createModifierUpstream(resolveModifiers([tagger], { name: ['t'] }), rec.upstream);
    const res = await call(stage, { method: 'POST', path: '/a', headers: [], body: Buffer.from('same') });
    expect(rec.seen[0]!.method).toBe('PUT');
    expect(rec.seen[0]!.bodyText).toBe('same');
    expect(res.body.toString()).toBe('{"user":"ada"}');
    expect(header(res.headers, 'content-length')).toEqual(['15']);
  });

  it('a backend without modifiers keeps its upstream; closing the stage closes the upstream inside', async () => {
    const rec = recordingUpstream();
    expect(modifierStage([envelope])(backend({}), deps, rec.upstream)).toBe(rec.upstream);
    const stage = modifierStage([envelope])(backend({ 'plugin/req-resp-modifier': { name: ['envelope'] } }), deps, rec.upstream);
    await stage.close();
    expect(rec.closed()).toBe(1);
  });

  it('a hook that throws or leaves a bad value fails the backend call, naming the plugin; the upstream is not called after a request failure', async () => {
    const cases: Array<[ModifierPlugin['create'], string]> = [
      [() => ({ request: () => { throw new Error('no tenant'); } }), 'modifier plugin "m": request(): no tenant'],
      [() => ({ response: async () => { throw new Error('bad json'); } }), 'modifier plugin "m": response(): bad json'],
      [() => ({ response: (r) => void ((r as { body: unknown }).body = { a: 1 }) }), 'modifier plugin "m": response(): "body" must be a Buffer (got object; serialise it, e.g. Buffer.from(JSON.stringify(data)))'],
      [() => ({ response: (r) => void (r.status = 42) }), 'modifier plugin "m": response(): "status" must be an integer HTTP status 200–599'],
      [() => ({ request: () => 'path' as never }), 'modifier plugin "m": request() must change the request in place or return one (got string)'],
      [() => ({ request: (r) => void ((r as { path: unknown }).path = 7) }), 'modifier plugin "m": request(): "path" must be a string'],
    ];
    for (const [create, message] of cases) {
      const rec = recordingUpstream();
      const stage = createModifierUpstream(resolveModifiers([{ name: 'm', hgw: '*', kind: 'modifier', create }], { name: ['m'] }), rec.upstream);
      await expect(call(stage, { method: 'GET', path: '/', headers: [], body: null })).rejects.toThrow(message);
      if (message.includes('request()')) expect(rec.seen).toHaveLength(0);
    }
  });

  it('a string body left by a hook is sent as UTF-8', async () => {
    const s: ModifierPlugin = { name: 's', hgw: '*', kind: 'modifier', create: () => ({ response: (r) => void ((r as { body: unknown }).body = 'héllo') }) };
    const res = await call(createModifierUpstream(resolveModifiers([s], { name: ['s'] }), recordingUpstream().upstream), { method: 'GET', path: '/', headers: [], body: null });
    expect(res.body.toString()).toBe('héllo');
    expect(header(res.headers, 'content-length')).toEqual(['6']);
  });

  it('holds at most 32 MiB of a response for response hooks, then fails the call and stops the upstream', async () => {
    const tagger: ModifierPlugin = { name: 't', hgw: '*', kind: 'modifier', create: () => ({ response: (r) => void (r.status = 200) }) };
    let offered = 0;
    let stopped = false;
    const endless: Upstream = {
      dispatch(_request, handler) {
        handler.onConnect(() => (stopped = true));
        handler.onHeaders(200, [], () => {}, '');
        const chunk = Buffer.alloc(1024 * 1024);
        while (!stopped && offered < 64 * 1024 * 1024) {
          offered += chunk.length;
          handler.onData(chunk);
        }
        if (!stopped) handler.onComplete(null);
      },
      close: async () => {},
    };
    const events: string[] = [];
    const handler: UpstreamHandler = { onConnect: () => {}, onHeaders: () => true, onData: () => true, onComplete: () => events.push('complete'), onError: (e) => events.push((e as { code?: string }).code ?? e.message) };
    createModifierUpstream(resolveModifiers([tagger], { name: ['t'] }), endless).dispatch({ method: 'GET', path: '/', headers: [], body: null }, handler);
    await new Promise((r) => setTimeout(r, 0));
    expect(stopped).toBe(true);
    expect(offered).toBeLessThanOrEqual(33 * 1024 * 1024);
    expect(events).toEqual(['HGW_RESPONSE_TOO_LARGE']);
  });

  it('cancelling while a hook runs reports the reason once and never calls the upstream', async () => {
    let release: () => void = () => {};
    const slow: ModifierPlugin = { name: 'slow', hgw: '*', kind: 'modifier', create: () => ({ request: () => new Promise<void>((r) => (release = r)) }) };
    const rec = recordingUpstream();
    const stage = createModifierUpstream(resolveModifiers([slow], { name: ['slow'] }), rec.upstream);
    const events: string[] = [];
    let abort: (reason?: Error) => void = () => {};
    const handler: UpstreamHandler = {
      onConnect: (a) => (abort = a),
      onHeaders: () => (events.push('headers'), true),
      onData: () => true,
      onComplete: () => events.push('complete'),
      onError: (e) => events.push(`error ${e.message}`),
    };
    stage.dispatch({ method: 'GET', path: '/', headers: [], body: null }, handler);
    await new Promise((r) => setTimeout(r, 5));
    abort(new Error('client gone'));
    release();
    await new Promise((r) => setTimeout(r, 10));
    expect(events).toEqual(['error client gone']);
    expect(rec.seen).toHaveLength(0);
  });

  it('resolveModifiers refuses unknown names and a create() without hooks', () => {
    const regs: PluginRegistration[] = [envelope, { name: 'empty', hgw: '*', kind: 'modifier', create: () => ({}) }];
    expect(() => resolveModifiers(regs, { name: ['nope'] })).toThrow('no modifier plugin named "nope" is loaded (loaded: envelope, empty)');
    expect(() => resolveModifiers(regs, { name: ['empty'] })).toThrow('modifier plugin "empty": create() returned neither a "request" nor a "response" hook');
    expect(resolveModifiers(regs, undefined)).toEqual([]);
  });

  it('applyRequestModifiers / applyResponseModifiers work on plain values too (for endpoint-level use)', async () => {
    const mods = resolveModifiers([envelope], { name: ['envelope'], envelope: { tenant: 't1' } });
    const req: ModifiableRequest = { method: 'GET', path: '/a', query: '', headers: {}, body: null };
    expect(await applyRequestModifiers(mods, req)).toEqual({ method: 'GET', path: '/v2/a', query: 'via=plugin', headers: { 'x-tenant': ['t1'] }, body: null });
    const res = await applyResponseModifiers(mods, { status: 200, headers: {}, body: Buffer.from('[1]') });
    expect(res.body.toString()).toBe('{"data":[1],"status":200}');
  });
});
