import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EndpointMiddlewareFactory, MiddlewareFactory, MiddlewareDeps } from '../../core/middleware.js';
import { firstRequestHeader } from '../../shared/headers/request-header-lines.js';
import { setRequestHeader } from '../../shared/headers/request-headers.js';
import { BackendError } from '../../core/pipe/backend-error.js';
import type { LuaConfig } from './lua-config.js';
import { createLuaVm, type LuaVm } from './lua-vm.js';

/**
 * krakend-lua's router scripts (`modifier/lua-endpoint`): a `pre` script on
 * the HTTP request before the endpoint runs — at service level for every
 * request, at an endpoint for its own — through the `ctx` object: `method`,
 * `url`, `host`, `query(k[, v])`, `params(k[, v])`, `headers(k[, v])`.
 * A failure aborts with its status (custom_error) or 500 and no body, as
 * gin's AbortWithError does. `body` is not offered here: the endpoint reads
 * the body as a stream after this runs.
 */
class LuaRouterContext {
  constructor(
    private readonly req: IncomingMessage,
    private readonly names: readonly string[],
    private readonly values: string[],
  ) {}

  method(...args: unknown[]): unknown {
    if (args.length === 0) return this.req.method ?? 'GET';
    this.req.method = String(args[0]).toUpperCase();
    return undefined;
  }

  url(...args: unknown[]): unknown {
    if (args.length === 0) return this.req.url ?? '/';
    const u = new URL(String(args[0]), 'http://gateway.invalid');
    this.req.url = u.pathname + u.search;
    return undefined;
  }

  host(...args: unknown[]): unknown {
    if (args.length === 0) return firstRequestHeader(this.req, 'host');
    setRequestHeader(this.req, 'Host', String(args[0]));
    return undefined;
  }

  query(...args: unknown[]): unknown {
    if (args.length === 0) throw new Error('need arguments');
    const u = new URL(this.req.url ?? '/', 'http://gateway.invalid');
    if (args.length === 1) return u.searchParams.get(String(args[0])) ?? '';
    u.searchParams.set(String(args[0]), String(args[1]));
    this.req.url = u.pathname + u.search;
    return undefined;
  }

  params(...args: unknown[]): unknown {
    if (args.length === 0) throw new Error('need arguments');
    const at = this.names.indexOf(String(args[0]));
    if (args.length === 1) return at === -1 ? '' : (this.values[at] ?? '');
    if (at !== -1) this.values[at] = String(args[1]);
    return undefined;
  }

  headers(...args: unknown[]): unknown {
    if (args.length === 0) throw new Error('need arguments');
    if (args.length === 1) return firstRequestHeader(this.req, String(args[0]).toLowerCase());
    setRequestHeader(this.req, String(args[0]), String(args[1]));
    return undefined;
  }

  body(): never {
    throw new Error('ctx:body() is not available in router scripts in hgw; use a modifier/lua-proxy script');
  }
}

/** Builds the VM once and runs `pre` per request; `run` answers the request itself when the script fails. */
function routerScript(cfg: LuaConfig | undefined, timeoutMs: number, where: string, deps: MiddlewareDeps) {
  if (!cfg) throw new Error(`${where} modifier/lua-endpoint is not an object`);
  let vm: LuaVm | undefined;
  let broken = false;
  const ready = createLuaVm(cfg, timeoutMs).then(
    (v) => {
      vm = v;
    },
    (e: Error) => {
      broken = true;
      deps.log.error(`${where} the scripts do not load: ${e.message}`);
    },
  );
  return (req: IncomingMessage, res: ServerResponse, names: readonly string[], params: string[], next: () => void): void => {
    const go = () => {
      if (!vm || broken) {
        res.writeHead(500, { 'Content-Length': 0 }).end();
        return;
      }
      const failed = vm.run('pre-script', cfg.pre, undefined, undefined, { ctx: { load: () => new LuaRouterContext(req, names, params) } });
      if (failed) {
        deps.log.error(`${where} ${failed.message}`);
        res.writeHead(failed instanceof BackendError && failed.status !== undefined ? failed.status : 500, { 'Content-Length': 0 }).end();
        return;
      }
      next();
    };
    if (vm || broken) go();
    else void ready.then(go);
  };
}

/** Endpoint-level `modifier/lua-endpoint`. */
export const luaEndpointScript: EndpointMiddlewareFactory = (endpoint, deps) => {
  const run = routerScript(endpoint.settings['modifier/lua-router'], endpoint.timeoutMs || 2000, `[ENDPOINT: ${endpoint.endpoint}][Lua]`, deps);
  return (req, res, params, next) => run(req, res, endpoint.params, params, next);
};

/** Service-level `modifier/lua-endpoint`: every request, before routing (no params yet). */
export const luaServiceScript: MiddlewareFactory = (deps) => {
  const run = routerScript(deps.service.settings['modifier/lua-router'], deps.service.timeoutMs || 2000, '[Service: Gin][Lua]', deps);
  const none: string[] = [];
  return (req, res, next) => run(req, res, none, none, next);
};
