import type { ProxyWrapperFactory } from '../../core/endpoint-context.js';
import type { Cancel, Proxy, ProxyContext, ProxyDone, ProxyResponse } from '../../core/pipe/proxy.js';
import { NO_CANCEL } from '../../core/pipe/proxy.js';
import { readBodyThen } from '../../core/pipe/read-body.js';
import { BackendRequestBuilder } from '../../core/request-builder.js';
import type { UpstreamRequest } from '../../shared/upstream/upstream.js';
import type { LuaConfig } from './lua-config.js';
import { headerLines, headerMap, LuaRequest, type RequestState } from './lua-request.js';
import { LuaResponse } from './lua-response.js';
import { createLuaVm, type LuaVm } from './lua-vm.js';

/**
 * krakend-lua's proxy and backend scripts (`modifier/lua-proxy` around the
 * endpoint's pipe, `modifier/lua-backend` around one backend): `pre` runs on
 * the request before the call — at a backend on the request as built, with
 * its full URL — `post` on the answer after it, and `skip_next` answers
 * without calling on. A script error ends that layer: `custom_error(msg,
 * status)` with its status and message, anything else a 500 with the Lua
 * error. The VM is made at start-up; a request that arrives before it is
 * ready waits for it.
 */
export const luaProxy: ProxyWrapperFactory = (endpoint, backend, deps) => {
  const where = backend ? `[BACKEND: ${backend.urlPattern}][Lua]` : `[ENDPOINT: ${endpoint.endpoint}][Lua]`;
  const cfg = (backend ?? endpoint).settings['modifier/lua'];
  if (!cfg) return (next) => next;
  let vm: LuaVm | undefined;
  let broken: Error | undefined;
  // A run may take at most the endpoint's timeout, the longest the request could wait anyway.
  const ready = createLuaVm(cfg, endpoint.timeoutMs > 0 ? endpoint.timeoutMs : 2000).then(
    (v) => {
      vm = v;
    },
    (e: Error) => {
      broken = new Error(`lua: the scripts do not load: ${e.message}`);
      deps.log.error(`${where} ${broken.message}`);
    },
  );
  if (cfg.post !== '' && endpoint.outputEncoding === 'no-op') deps.log.warn(`${where} the post script does not run on a no-op endpoint: its answer streams unread`);
  const names = endpoint.params.map((p) => p.charAt(0).toUpperCase() + p.slice(1));
  const builder = new BackendRequestBuilder(endpoint, backend ?? endpoint.backends[0]!, deps.brand);
  const origin = backend?.hosts[0]?.replace(/\/$/, '') ?? '';
  const readsBody = /:body\s*\(/.test(cfg.pre) || cfg.sources.some((s) => /:body\s*\(/.test(s.text));

  return (next) => {
    const call = (ctx: ProxyContext, done: ProxyDone): Cancel => {
      if (!vm) {
        done(broken ?? new Error('lua: the VM is not ready'), null);
        return NO_CANCEL;
      }
      const machine = vm;
      let inner = ctx;
      if (cfg.pre !== '') {
        if (backend) inner = { ...ctx, modifyRequest: (request) => ctx.modifyRequest?.(request) ?? backendPre(machine, cfg, request, ctx, names, origin) };
        else {
          const edited = endpointPre(machine, cfg, ctx, names, builder);
          if (edited instanceof Error) {
            done(edited, null);
            return NO_CANCEL;
          }
          inner = edited;
        }
      }
      const after: ProxyDone = (err, response) => {
        if (err || !response) {
          done(err, response);
          return;
        }
        const failed = post(machine, cfg, response);
        if (failed) done(failed, null);
        else done(null, response);
      };
      if (cfg.skipNext) {
        after(null, { data: {}, isComplete: false });
        return NO_CANCEL;
      }
      return cfg.post === '' ? next(inner, done) : next(inner, after);
    };
    const withBody: Proxy = (ctx, done) =>
      readsBody && ctx.body === true ? readBodyThen(ctx, endpoint.maxPayload, done, (body) => call({ ...ctx, body }, done)) : call(ctx, done);
    return (ctx, done) => {
      if (vm || broken) return withBody(ctx, done);
      let cancel: Cancel | null = null;
      let gone: Error | null = null;
      void ready.then(() => {
        if (gone) return;
        try {
          cancel = withBody(ctx, done);
        } catch (e) {
          done(e instanceof Error ? e : new Error(String(e)), null);
        }
      });
      return (reason) => {
        gone = reason;
        if (cancel) cancel(reason);
        else done(reason, null);
      };
    };
  };
};

/** The endpoint's request as Lura holds it: params, the headers it lets through, query, body. */
function endpointPre(vm: LuaVm, cfg: LuaConfig, ctx: ProxyContext, names: string[], builder: BackendRequestBuilder): ProxyContext | Error {
  const url = ctx.req.url ?? '/';
  const q = url.indexOf('?');
  const params: Record<string, string> = Object.assign(Object.create(null) as Record<string, string>, ctx.propagated);
  names.forEach((n, i) => (params[n] = ctx.params[i] ?? ''));
  const state: RequestState = {
    method: ctx.req.method ?? 'GET',
    path: q === -1 ? url : url.slice(0, q),
    query: ctx.rawQuery,
    url: '',
    params,
    headers: headerMap(builder.headerList(ctx.req, false)),
    body: Buffer.isBuffer(ctx.body) ? ctx.body.toString('utf8') : '',
    changed: new Set(),
  };
  const failed = vm.run('pre-script', cfg.pre, new LuaRequest(state));
  if (failed) return failed;
  const out: ProxyContext = { ...ctx };
  if (state.changed.has('params')) out.params = names.map((n, i) => state.params[n] ?? ctx.params[i] ?? '');
  if (state.changed.has('query')) out.rawQuery = state.query;
  if (state.changed.has('body')) out.body = Buffer.from(state.body);
  if (state.changed.has('headers')) {
    // Header edits reach every backend request as built, whatever input_headers says, as in Lura.
    const edited = state.headers;
    const original = headerMap(builder.headerList(ctx.req, false));
    const previous = ctx.modifyRequest;
    out.modifyRequest = (request) => {
      const earlier = previous?.(request);
      if (earlier) return earlier;
      const current = headerMap(request.headers);
      for (const name of Object.keys(original)) if (!(name in edited)) delete current[name];
      for (const [name, values] of Object.entries(edited)) current[name] = values;
      request.headers = headerLines(current);
      return undefined;
    };
  }
  return out;
}

/** A backend's request as built: its method, path, query and full URL, the headers it will send, its body. */
function backendPre(vm: LuaVm, cfg: LuaConfig, request: UpstreamRequest, ctx: ProxyContext, names: string[], origin: string): Error | undefined {
  const q = request.path.indexOf('?');
  const params: Record<string, string> = Object.assign(Object.create(null) as Record<string, string>, ctx.propagated);
  names.forEach((n, i) => (params[n] = ctx.params[i] ?? ''));
  const state: RequestState = {
    method: request.method,
    path: q === -1 ? request.path : request.path.slice(0, q),
    query: q === -1 ? '' : request.path.slice(q + 1),
    url: origin + request.path,
    params,
    headers: headerMap(request.headers),
    body: Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '',
    changed: new Set(),
  };
  const failed = vm.run('pre-script', cfg.pre, new LuaRequest(state));
  if (failed) return failed;
  if (state.changed.has('method')) request.method = state.method.toUpperCase();
  if (state.changed.has('url')) {
    // The host stays the upstream's choice (balancing, host maps); the path and query come from the new URL.
    let u: URL;
    try {
      u = new URL(state.url, origin || 'http://backend.invalid');
    } catch {
      return new Error(`lua: ${JSON.stringify(state.url)} is not a URL`);
    }
    request.path = u.pathname + u.search;
  } else if (state.changed.has('path') || state.changed.has('query')) {
    request.path = state.path + (state.query === '' ? '' : `?${state.query}`);
  }
  if (state.changed.has('headers')) request.headers = headerLines(state.headers);
  if (state.changed.has('body')) {
    const body = Buffer.from(state.body);
    request.body = body.length > 0 ? body : null;
    const map = headerMap(request.headers);
    if (map['Content-Length']) {
      map['Content-Length'] = [String(body.length)];
      request.headers = headerLines(map);
    }
  }
  return undefined;
}

function post(vm: LuaVm, cfg: LuaConfig, response: ProxyResponse): Error | undefined {
  const view = new LuaResponse(response);
  const failed = vm.run('post-script', cfg.post, undefined, view);
  if (failed) return failed;
  view.finish();
  return undefined;
}
