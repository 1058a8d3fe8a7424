import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Middleware } from '../../runtime/core/middleware.js';
import type { Upstream, UpstreamHandler, UpstreamRequest } from '../../runtime/shared/upstream/upstream.js';
import { respondJson } from '../../runtime/shared/upstream/synthetic-response.js';
import { PLUGIN_NAMESPACES, type ClientPlugin, type ModifierPlugin, type PluginLogger, type PluginRegistration, type ServerPlugin } from '../../runtime/plugins/plugin-api.js';
import { serverPluginMiddleware } from '../../runtime/plugins/server-plugin-middleware.js';
import { createClientPluginUpstream } from '../../runtime/plugins/client-plugin-upstream.js';
import { createModifierUpstream, resolveModifiers } from '../../runtime/plugins/modifier-stage.js';
import { errorText } from '../../runtime/plugins/registrations.js';

/**
 * `hgw test-plugin`'s smoke calls: each registration is built through the
 * same adapter the gateway uses and called once with a synthetic request.
 * A server plugin must answer or call next(), a client plugin must resolve
 * to a response with a numeric status, a modifier's hooks must return
 * without throwing — all within SMOKE_TIMEOUT_MS.
 */
export const SMOKE_TIMEOUT_MS = 3000;

const SMOKE_PATH = '/__hgw/test-plugin?smoke=1';
const SMOKE_ID = 'x-hgw-smoke-id';
/** What the smoke backend answers (client plugins that proxy, and the modifier's upstream). */
const PONG = '{"message":"pong","from":"hgw test-plugin"}';

const QUIET: PluginLogger = { debug() {}, info() {}, warn() {}, error() {} };

interface PendingServerCall {
  middleware: Middleware;
  nextCalled: boolean;
  thrown?: unknown;
}

/** One real HTTP server on 127.0.0.1 per run: it hosts server plugins and plays the backend for client plugins. */
export class SmokeBench {
  private server: Server | undefined;
  private url = '';
  private readonly pending = new Map<string, PendingServerCall>();
  private seq = 0;

  private async start(): Promise<string> {
    if (this.server) return this.url;
    const server = createServer((req, res) => this.route(req, res));
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.url;
  }

  private route(req: IncomingMessage, res: ServerResponse): void {
    const id = req.headers[SMOKE_ID];
    const call = typeof id === 'string' ? this.pending.get(id) : undefined;
    if (!call) {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(PONG) }).end(PONG);
      return;
    }
    try {
      call.middleware(req, res, () => {
        call.nextCalled = true;
        res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': 4 }).end('next');
      });
    } catch (e) {
      call.thrown = e;
      if (!res.headersSent) res.writeHead(500, { 'Content-Length': 0 }).end();
      else res.destroy();
    }
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((ok) => server.close(() => ok()));
  }

  /** The problem with the registration's smoke call, or undefined when it passed. */
  async smoke(registration: PluginRegistration): Promise<string | undefined> {
    try {
      switch (registration.kind) {
        case 'server':
          return await this.smokeServer(registration);
        case 'client':
          return await this.smokeClient(registration);
        case 'modifier':
          return await this.smokeModifier(registration);
      }
    } catch (e) {
      // The adapters' own errors (create() threw, bad return values) name the plugin already.
      return errorText(e);
    }
  }

  private async smokeServer(registration: ServerPlugin): Promise<string | undefined> {
    const who = `server plugin "${registration.name}"`;
    let asyncError: unknown;
    let failed = false;
    const middleware = serverPluginMiddleware([registration], { [PLUGIN_NAMESPACES.server]: { name: [registration.name], [registration.name]: registration.exampleConfig ?? {} } }, {
      log: QUIET,
      onAsyncError: (_name, e) => {
        failed = true;
        asyncError = e;
      },
    });
    const base = await this.start();
    const id = String(++this.seq);
    const call: PendingServerCall = { middleware, nextCalled: false };
    this.pending.set(id, call);
    try {
      const answered = await get(`${base}${SMOKE_PATH}`, { [SMOKE_ID]: id, accept: 'application/json', 'user-agent': 'hgw test-plugin' });
      if (call.thrown !== undefined) return `${who}: the smoke call threw: ${errorText(call.thrown)}`;
      if (failed) return `${who}: the smoke call failed: ${errorText(asyncError)}`;
      if (!answered) return `${who}: the smoke call got no answer in ${SMOKE_TIMEOUT_MS / 1000}s (answer the request or call next())`;
      return undefined;
    } finally {
      this.pending.delete(id);
    }
  }

  private async smokeClient(registration: ClientPlugin): Promise<string | undefined> {
    const base = await this.start();
    const upstream = createClientPluginUpstream(registration, registration.exampleConfig ?? {}, { hosts: [base], log: QUIET });
    const result = await collect(upstream, {
      method: 'GET',
      path: SMOKE_PATH,
      headers: ['Accept', 'application/json', 'User-Agent', 'hgw test-plugin'],
      body: null,
    });
    if (result === 'timeout') return `client plugin "${registration.name}": the smoke call got no answer in ${SMOKE_TIMEOUT_MS / 1000}s`;
    if (result instanceof Error) return errorText(result);
    return undefined;
  }

  private async smokeModifier(registration: ModifierPlugin): Promise<string | undefined> {
    const modifiers = resolveModifiers([registration], { name: [registration.name], [registration.name]: registration.exampleConfig ?? {} }, QUIET);
    const backend: Upstream = {
      dispatch: (_request, handler) => respondJson(handler, 200, PONG),
      close: async () => {},
    };
    const body = Buffer.from('{"hello":"world"}');
    const result = await collect(createModifierUpstream(modifiers, backend), {
      method: 'POST',
      path: SMOKE_PATH,
      headers: ['Content-Type', 'application/json', 'Content-Length', String(body.length), 'User-Agent', 'hgw test-plugin'],
      body,
    });
    if (result === 'timeout') return `modifier plugin "${registration.name}": the smoke call did not finish in ${SMOKE_TIMEOUT_MS / 1000}s`;
    if (result instanceof Error) return errorText(result);
    return undefined;
  }
}

/** A GET that resolves true once answered (any status), false on timeout or a dropped connection. */
function get(url: string, headers: Record<string, string>): Promise<boolean> {
  return new Promise((done) => {
    const req = httpRequest(url, { headers, agent: false, timeout: SMOKE_TIMEOUT_MS }, (res) => {
      res.resume();
      res.on('end', () => done(true));
      res.on('error', () => done(true));
    });
    req.on('timeout', () => {
      req.destroy();
      done(false);
    });
    req.on('error', () => done(false));
    req.end();
  });
}

/** Dispatches once and waits for completion: the status, the upstream's error, or 'timeout'. */
function collect(upstream: Upstream, request: UpstreamRequest): Promise<number | Error | 'timeout'> {
  return new Promise((done) => {
    let status = 0;
    let abort: ((reason?: Error) => void) | undefined;
    let settled = false;
    const settle = (v: number | Error | 'timeout') => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      done(v);
    };
    const timer = setTimeout(() => {
      abort?.(new Error('smoke call timed out'));
      settle('timeout');
    }, SMOKE_TIMEOUT_MS);
    const handler: UpstreamHandler = {
      onConnect: (a) => {
        abort = a;
      },
      onHeaders: (s) => {
        status = s;
        return true;
      },
      onData: () => true,
      onComplete: () => settle(status),
      onError: (e) => settle(e),
    };
    try {
      upstream.dispatch(request, handler);
    } catch (e) {
      settle(e instanceof Error ? e : new Error(String(e)));
    }
  });
}
