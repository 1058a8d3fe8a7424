import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BufferedCall, type BufferedResponse } from '../../../runtime/core/buffered-call.js';
import { createLogger } from '../../../runtime/shared/log/logger.js';
import type { BackendPlan } from '../../../runtime/plan/plan.js';
import type { ClientPlugin, PluginRequest, PluginResponse } from '../../../runtime/plugins/plugin-api.js';
import { clientPluginStage, clientPluginUpstream, createClientPluginUpstream } from '../../../runtime/plugins/client-plugin-upstream.js';
import type { Upstream, UpstreamDeps, UpstreamHandler, UpstreamRequest } from '../../../runtime/shared/upstream/upstream.js';

const log = createLogger({ write: () => {} });
const deps = (hostMap: Record<string, string> = {}): UpstreamDeps => ({ hostMap, log, disableCompression: false, pools: undefined as never });

function backend(extraConfig: Record<string, unknown>, hosts = ['http://api.internal:8000']): BackendPlan {
  return { urlPattern: '/users/{id}', hosts, extraConfig } as unknown as BackendPlan;
}

function plugin(answer: (r: PluginRequest) => Promise<PluginResponse>, name = 'answer'): ClientPlugin {
  return { name, hgw: '*', kind: 'client', create: () => answer };
}

const GET: UpstreamRequest = { method: 'GET', path: '/users/1?full=1', headers: ['Accept', 'application/json', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2'], body: null };

/** One call through the upstream with the handler endpoints use for decoded bodies. */
function call(upstream: Upstream, request: UpstreamRequest = GET): Promise<BufferedResponse> {
  return new Promise((resolve, reject) => {
    upstream.dispatch({ ...request }, new BufferedCall(0, (err, res) => (err ? reject(err) : resolve(res!))));
  });
}

function lines(headers: string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < headers.length; i += 2) if (headers[i]!.toLowerCase() === name) out.push(headers[i + 1]!);
  return out;
}

describe('a client plugin as an Upstream', () => {
  it('answers through the handler callbacks: status, header lines (repeated ones apart), body with its length', async () => {
    const up = createClientPluginUpstream(
      plugin(async () => ({ status: 201, headers: { 'Content-Type': 'application/json', 'Set-Cookie': ['x=1', 'y=2'], 'Content-Length': '999' }, body: '{"ok":true}' })),
      {},
      { hosts: ['http://api.internal:8000'] },
    );
    const res = await call(up);
    expect(res.status).toBe(201);
    expect(res.body.toString()).toBe('{"ok":true}');
    expect(lines(res.headers, 'set-cookie')).toEqual(['x=1', 'y=2']);
    // The plugin's wrong Content-Length is replaced by the real one.
    expect(lines(res.headers, 'content-length')).toEqual(['11']);
  });

  it('gives the plugin the backend call: URL on a (mapped) backend host, path, headers by lower-cased name, body read in full, config', async () => {
    let seen: PluginRequest | undefined;
    let config: unknown;
    const reg: ClientPlugin = {
      name: 'spy',
      hgw: '*',
      kind: 'client',
      create: (c) => {
        config = c;
        return async (r) => {
          seen = r;
          return { status: 204 };
        };
      },
    };
    const up = clientPluginUpstream([reg])(backend({ 'plugin/http-client': { name: 'spy', spy: { token: 't' } } }), deps({ 'http://api.internal:8000': 'http://127.0.0.1:9999' }));
    const body = Readable.from([Buffer.from('{"a":'), Buffer.from('1}')]);
    const res = await call(up, { method: 'POST', path: '/users?x=1', headers: ['Content-Type', 'application/json', 'X-Multi', '1', 'x-multi', '2'], body });
    expect(res.status).toBe(204);
    expect(config).toEqual({ token: 't' });
    expect(seen!.method).toBe('POST');
    expect(seen!.url).toBe('http://127.0.0.1:9999/users?x=1');
    expect(seen!.path).toBe('/users?x=1');
    expect(seen!.headers).toEqual({ 'content-type': ['application/json'], 'x-multi': ['1', '2'] });
    expect(seen!.body?.toString()).toBe('{"a":1}');
    expect(seen!.signal.aborted).toBe(false);
  });

  it('streams an async-iterable body, pausing while the handler asks it to', async () => {
    async function* chunks() {
      yield new TextEncoder().encode('one,');
      yield 'two,' as unknown as Uint8Array;
      yield Buffer.from('three');
    }
    const up = createClientPluginUpstream(plugin(async () => ({ status: 200, headers: { 'Content-Length': '3' }, body: chunks() })), {}, { hosts: [] });
    const got: string[] = [];
    let headerLines: string[] = [];
    await new Promise<void>((done, fail) => {
      let resume = () => {};
      const handler: UpstreamHandler = {
        onConnect() {},
        onHeaders(_s, raw, r) {
          headerLines = raw.map((b) => b.toString());
          resume = r;
          return true;
        },
        onData(chunk) {
          got.push(chunk.toString());
          if (got.length === 1) {
            setTimeout(() => {
              got.push('(resumed)');
              resume();
            }, 10);
            return false;
          }
          return true;
        },
        onComplete: () => done(),
        onError: fail,
      };
      up.dispatch({ ...GET }, handler);
    });
    expect(got).toEqual(['one,', '(resumed)', 'two,', 'three']);
    // A streamed body has no length up front: the plugin's Content-Length is dropped.
    expect(lines(headerLines, 'content-length')).toEqual([]);
  });

  it('a plugin that throws, rejects or answers something else fails the call with its name', async () => {
    const cases: Array<[ClientPlugin['create'], string]> = [
      [() => async () => { throw new Error('upstream down'); }, 'client plugin "p": upstream down'],
      [() => (() => { throw new Error('sync'); }) as never, 'client plugin "p": sync'],
      [() => async () => ({ status: '200' }) as never, 'client plugin "p": "status" must be an integer HTTP status 200–599 (got "200")'],
      [() => async () => ({ status: 700 }), 'client plugin "p": "status" must be an integer HTTP status 200–599 (got 700)'],
      [() => async () => null as never, 'client plugin "p": the handler must resolve to a {status, headers?, body?} object (got null)'],
      [() => async () => ({ status: 200, body: { a: 1 } }) as never, 'client plugin "p": "body" must be a string, bytes or an async iterable of bytes (got object)'],
    ];
    for (const [create, message] of cases) {
      const up = createClientPluginUpstream({ name: 'p', hgw: '*', kind: 'client', create }, {}, { hosts: [] });
      await expect(call(up)).rejects.toThrow(message);
    }
    expect(() => createClientPluginUpstream({ name: 'p', hgw: '*', kind: 'client', create: () => 'x' as never }, {}, { hosts: [] })).toThrow('create() must return');
  });

  it('cancelling aborts the plugin\'s signal and reports the reason once', async () => {
    let signal: AbortSignal | undefined;
    const up = createClientPluginUpstream(
      plugin((r) => {
        signal = r.signal;
        return new Promise(() => {});
      }),
      {},
      { hosts: [] },
    );
    const errors: Error[] = [];
    let abort: (reason?: Error) => void = () => {};
    up.dispatch({ ...GET }, {
      onConnect: (a) => (abort = a),
      onHeaders: () => true,
      onData: () => true,
      onComplete: () => errors.push(new Error('completed')),
      onError: (e) => errors.push(e),
    });
    await new Promise((r) => setTimeout(r, 5));
    abort(new Error('endpoint timeout'));
    abort(new Error('again'));
    await new Promise((r) => setTimeout(r, 5));
    expect(signal!.aborted).toBe(true);
    expect(errors.map((e) => e.message)).toEqual(['endpoint timeout']);
  });

  it('the stage form answers backends that name a client plugin and passes the others through', async () => {
    const inner: Upstream = { dispatch: (_r, h) => { h.onConnect(() => {}); h.onHeaders(200, [], () => {}, ''); h.onData(Buffer.from('network')); h.onComplete(null); }, close: async () => {} };
    const stage = clientPluginStage([plugin(async () => ({ status: 200, body: 'plugin' }))]);
    expect((await call(stage(backend({ 'plugin/http-client': { name: 'answer' } }), deps(), inner))).body.toString()).toBe('plugin');
    expect(stage(backend({}), deps(), inner)).toBe(inner);
  });

  it('refuses a backend that names an unknown plugin, none, or several', () => {
    const regs = [plugin(async () => ({ status: 200 }))];
    expect(() => clientPluginUpstream(regs)(backend({ 'plugin/http-client': { name: 'nope' } }), deps())).toThrow('plugin/http-client: no client plugin named "nope" is loaded (loaded: answer)');
    expect(() => clientPluginUpstream(regs)(backend({}), deps())).toThrow('names no plugin');
    expect(() => clientPluginUpstream(regs)(backend({ 'plugin/http-client': { name: ['answer', 'b'] } }), deps())).toThrow('takes one plugin name');
  });
});
