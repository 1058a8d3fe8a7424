import type { ServerResponse } from 'node:http';
import type { Branding } from '../shared/branding.js';
import type { Logger } from '../shared/log/logger.js';
import type { Middleware, MiddlewareFactory, Next } from '../core/middleware.js';
import { writeGatewayError } from '../core/responses.js';
import { PLUGIN_NAMESPACES, type PluginLogger, type PluginRegistration, type ServerHandler } from './plugin-api.js';
import { configuredNames, createPlugin, errorText, findPlugin, PluginError, pluginConfig } from './registrations.js';

export interface ServerPluginOptions {
  /** Passed to the plugins (prefixed with their name); failures of async handlers are logged here. */
  log?: Logger | PluginLogger;
  /** With a brand, a failed async handler's 500 carries the gateway's headers, as the recovery's does. */
  brand?: Branding;
  /** Also told about a handler's rejected promise (after it is logged). */
  onAsyncError?: (pluginName: string, error: unknown) => void;
}

const passThrough: Middleware = (_req, _res, next) => next();

/**
 * KrakenD's http-server plugins as one router middleware:
 * `extra_config["plugin/http-server"] = {"name": ["a", "b"], "a": {...config}}`
 * at service level. Each named plugin is created once, here, with its own
 * config slice; per request they run in the listed order (`a` first), each
 * answering or calling `next()` to reach the next one and finally the router.
 *
 * Throws PluginError at build time: HGW_PLUGIN_NOT_FOUND for a name no
 * registration has, HGW_PLUGIN_FAILED when `create` throws or returns no
 * function. A handler that throws synchronously is the router's recovery's
 * business (500, logged); one whose promise rejects is logged and answered
 * 500 unless it already handed on or answered. `next` runs at most once per
 * plugin, whatever the plugin does.
 */
export function serverPluginMiddleware(registrations: readonly PluginRegistration[], serviceExtraConfig: Readonly<Record<string, unknown>>, options: ServerPluginOptions = {}): Middleware {
  const namespace = serviceExtraConfig[PLUGIN_NAMESPACES.server];
  const names = configuredNames(namespace);
  if (names.length === 0) return passThrough;
  const chain: Array<{ name: string; handler: ServerHandler }> = names.map((name) => {
    const registration = findPlugin(registrations, 'server', name);
    const handler = createPlugin(registration, pluginConfig(namespace, name), options.log);
    if (typeof handler !== 'function') {
      throw new PluginError('HGW_PLUGIN_FAILED', `server plugin "${name}": create() must return a (req, res, next) function (got ${handler === null ? 'null' : typeof handler})`);
    }
    return { name, handler };
  });

  const step = (i: number, req: Parameters<Middleware>[0], res: ServerResponse, next: Next): void => {
    const link = chain[i];
    if (!link) {
      next();
      return;
    }
    let handedOn = false;
    const result = link.handler(req, res, () => {
      if (handedOn) return;
      handedOn = true;
      step(i + 1, req, res, next);
    });
    if (result !== undefined && typeof (result as Promise<void>).then === 'function') {
      (result as Promise<void>).then(undefined, (e: unknown) => {
        options.log?.error(`[PLUGIN: ${link.name}] request ${req.method} ${req.url} failed: ${errorText(e)}`);
        options.onAsyncError?.(link.name, e);
        if (handedOn) return;
        if (res.headersSent) {
          if (!res.writableEnded) res.destroy();
          return;
        }
        if (options.brand) writeGatewayError(res, options.brand, 500, undefined);
        else res.writeHead(500, { 'Content-Length': 0 }).end();
      });
    }
  };
  return (req, res, next) => step(0, req, res, next);
}

/** The same as a MiddlewareFactory: reads the service's extra_config and uses the gateway's logger and brand. */
export function serverPluginMiddlewareFactory(registrations: readonly PluginRegistration[]): MiddlewareFactory {
  return (deps) => serverPluginMiddleware(registrations, deps.service.extraConfig, { log: deps.log, brand: deps.brand });
}
