import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * hgw's plugin API: what a JavaScript or TypeScript plugin module exports.
 *
 * KrakenD loads Go plugins (`.so`) of three kinds; hgw loads ES modules of
 * the same three kinds, configured with the same `extra_config` namespaces:
 *
 * | kind       | KrakenD                 | configured at                                                      | becomes in hgw                      |
 * |------------|-------------------------|--------------------------------------------------------------------|-------------------------------------|
 * | `server`   | HandlerRegisterer       | service `extra_config["plugin/http-server"] = {name: [...], <name>: {...}}` | router middleware (before routing) |
 * | `client`   | ClientRegisterer        | backend `extra_config["plugin/http-client"] = {name, <name>: {...}}`        | the backend's upstream (replaces the HTTP call) |
 * | `modifier` | ModifierRegisterer      | backend (or endpoint) `extra_config["plugin/req-resp-modifier"] = {name: [...], <name>: {...}}` | a backend stage rewriting request and response |
 *
 * A module default-exports (or exports as `plugin`) one registration or an
 * array of them, so one module may hold several plugins:
 *
 * ```ts
 * import type { ServerPlugin } from '@hgw/runtime/plugins/plugin-api.js';
 *
 * export default {
 *   name: 'add-header',
 *   hgw: '>=0.1 <1',
 *   kind: 'server',
 *   create(config, { log }) {
 *     const value = typeof config.value === 'string' ? config.value : 'on';
 *     return (req, res, next) => {
 *       res.setHeader('X-Plugin', value);
 *       next();
 *     };
 *   },
 * } satisfies ServerPlugin;
 * ```
 *
 * `create` runs once, when the gateway starts (and once per backend that
 * names a client or modifier plugin), with the plugin's own config slice
 * `extra_config[<namespace>][<name>]` (`{}` when absent). It returns the
 * function called per request. Configs come from JSON: their values are
 * `unknown` and a plugin narrows what it reads.
 *
 * `hgw test-plugin -s -c -m <file>` checks a module against these types, the
 * declared `hgw` range and a smoke call of every registration.
 *
 * This file is the whole contract and imports nothing but Node's types, so a
 * plugin (and the type check of `hgw test-plugin`) needs nothing else. A
 * plugin imports it for types only (`import type`, or JSDoc
 * `@type {import('@hgw/runtime/plugins/plugin-api.js').PluginModule}` in a
 * `// @ts-check` JavaScript file): at run time a plugin depends on nothing
 * from hgw.
 */

/** The three plugin kinds. */
export type PluginKind = 'server' | 'client' | 'modifier';

export const PLUGIN_KINDS: readonly PluginKind[] = ['server', 'client', 'modifier'];

/** The `extra_config` namespace each kind is configured under (KrakenD's names). */
export const PLUGIN_NAMESPACES = {
  server: 'plugin/http-server',
  client: 'plugin/http-client',
  modifier: 'plugin/req-resp-modifier',
} as const satisfies Record<PluginKind, string>;

/** A plugin's own config: `extra_config[<namespace>][<plugin name>]` as parsed JSON, `{}` when absent. */
export type PluginConfig = Readonly<Record<string, unknown>>;

export interface PluginLogger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

/** What `create` gets besides its config. */
export interface PluginHelpers {
  /** The registration's name (one module may register several plugins). */
  readonly name: string;
  /** The gateway's log; lines are prefixed with `[PLUGIN: <name>]`. */
  readonly log: PluginLogger;
}

/** Fields every registration has. */
export interface PluginBase {
  /** The name configs refer to (`"name": ["add-header"]`); unique per kind. */
  name: string;
  /**
   * The hgw versions the plugin works with, as a semver range: `>=0.1 <1`,
   * `^0.1.0`, `~0.1`, `0.x`, `*`; `||` joins alternatives. The gateway and
   * `hgw test-plugin` refuse a plugin whose range does not hold hgw's version.
   */
  hgw: string;
  /** One line for humans (shown by tooling). */
  description?: string;
  /** The config `hgw test-plugin` passes to `create` for its smoke call (default `{}`). */
  exampleConfig?: PluginConfig;
}

// ── server ──────────────────────────────────────────────────────────────────

/**
 * Runs before routing, for every request the gateway receives. It either
 * answers (writes `res` and ends it) or calls `next()` exactly once to hand
 * the request on to the next plugin and then the router. A returned promise
 * that rejects costs the request a 500 (if nothing was sent yet) and is logged.
 */
export type ServerHandler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void | Promise<void>;

/** KrakenD's http-server plugin (HandlerRegisterer). */
export interface ServerPlugin extends PluginBase {
  kind: 'server';
  create: (config: PluginConfig, helpers: PluginHelpers) => ServerHandler;
}

// ── client ──────────────────────────────────────────────────────────────────

/** Header lines by lower-cased name; a repeated header (Set-Cookie) keeps one entry per line. */
export type HeaderMap = Record<string, string[]>;

/** The backend call a client plugin makes instead of the gateway's HTTP client. */
export interface PluginRequest {
  method: string;
  /** Absolute URL: one of the backend's hosts (host map applied) plus `path`. Just `path` when the backend has no host. */
  url: string;
  /** Path and query as the backend would get them, percent-encoded (`/users/1?x=2`). */
  path: string;
  headers: HeaderMap;
  /** The request body, read in full; null when there is none. */
  body: Buffer | null;
  /** Aborted when the gateway gives up on the call (endpoint timeout, client gone). */
  signal: AbortSignal;
}

/** A client plugin's answer; the endpoint treats it as the backend's response. */
export interface PluginResponse {
  /** HTTP status, 200–599 (an integer). */
  status: number;
  /** Header values by name; Content-Length is computed for string and byte bodies. */
  headers?: Record<string, string | readonly string[]>;
  /** A string is sent as UTF-8; an async iterable (e.g. a fetch Response's body) is streamed. */
  body?: string | Uint8Array | AsyncIterable<Uint8Array> | null;
}

export type ClientHandler = (request: PluginRequest) => Promise<PluginResponse>;

/** KrakenD's http-client plugin (ClientRegisterer): answers the backend call itself. */
export interface ClientPlugin extends PluginBase {
  kind: 'client';
  create: (config: PluginConfig, helpers: PluginHelpers) => ClientHandler;
}

// ── modifier ────────────────────────────────────────────────────────────────

/** The backend request as a request modifier sees it; change it in place or return a new one. */
export interface ModifiableRequest {
  method: string;
  /** Path without the query, percent-encoded. */
  path: string;
  /** Raw query without `?` (`''` when none); `new URLSearchParams(r.query)` to work with it. */
  query: string;
  headers: HeaderMap;
  body: Buffer | null;
}

/** The backend response as a response modifier sees it, body read in full. */
export interface ModifiableResponse {
  status: number;
  headers: HeaderMap;
  body: Buffer;
}

export type MaybePromise<T> = T | Promise<T>;

/**
 * What a modifier's `create` returns: a request hook, a response hook, or
 * both. A hook changes its argument in place (and returns nothing) or
 * returns a replacement. Content-Length is recomputed after a hook. A hook
 * that throws fails the backend call (the endpoint answers as for a
 * backend error).
 */
export interface Modifier {
  request?: (request: ModifiableRequest) => MaybePromise<ModifiableRequest | void>;
  response?: (response: ModifiableResponse) => MaybePromise<ModifiableResponse | void>;
}

/** KrakenD's req-resp-modifier plugin (ModifierRegisterer). */
export interface ModifierPlugin extends PluginBase {
  kind: 'modifier';
  create: (config: PluginConfig, helpers: PluginHelpers) => Modifier;
}

// ── modules ─────────────────────────────────────────────────────────────────

export type PluginRegistration = ServerPlugin | ClientPlugin | ModifierPlugin;

/** What a plugin module's default export (or its `plugin` export) is. */
export type PluginModule = PluginRegistration | readonly PluginRegistration[];

