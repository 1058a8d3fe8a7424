import type { IncomingMessage } from 'node:http';
import type { CanonicalObject } from '../../shared/json/canonical-object.js';
import type { JsonObject, JsonValue } from '../../shared/json/json-number.js';

/**
 * Lura's proxy pipe, callback style: a Proxy is called once per request with
 * the request's context and answers once through `done`; it returns a cancel
 * function the caller uses when a deadline passes or the client leaves.
 * No promises: one request allocates a handful of objects, not a chain.
 */
export interface ProxyResponse {
  data: JsonObject;
  isComplete: boolean;
  /** The raw body of a `no-op` backend inside a decoding endpoint (Lura's `resp0` for sequential). */
  raw?: Buffer;
  /** A single backend's status and header lines (a merge has none), for response checks. */
  metadata?: { status: number; headers: string[] };
  /** `data` as Go's encoder writes it, while nobody has read `data` (see canonical-response.ts). */
  readonly canonical?: CanonicalObject | undefined;
}

export type ProxyDone = (err: Error | null, response: ProxyResponse | null) => void;
export type Cancel = (reason: Error) => void;

export interface ProxyContext {
  req: IncomingMessage;
  params: string[];
  rawQuery: string;
  /** The client body: read into a Buffer when several calls need it, else whether there is one to stream. */
  body: Buffer | boolean;
  /** In a sequential proxy, the data of the backends before this one. */
  responses?: Array<JsonValue | undefined>;
  /** In a sequential proxy, `sequential_propagated_params` values (`Resp0_user.id`, `Resp0` = raw no-op body) for plugins and Lua. */
  propagated?: Record<string, string>;
  /**
   * Edits a backend request after it is built and before it is sent (Lua's
   * `pre` scripts); an Error ends that backend's call with it.
   */
  modifyRequest?: (request: import('../../shared/upstream/upstream.js').UpstreamRequest) => Error | undefined;
}

export type Proxy = (ctx: ProxyContext, done: ProxyDone) => Cancel;

export const NO_CANCEL: Cancel = () => {};

/** Errors Lura reports by its context: the endpoint deadline and a client gone away. */
export const deadlineExceeded = (): Error => new Error('context deadline exceeded');
export const canceled = (): Error => new Error('context canceled');

/**
 * Lura's proxy middlewares (CEL, JSON Schema…): a wrapper around an endpoint's
 * whole pipe or around one backend's proxy, built once per endpoint.
 */
export type ProxyWrapper = (next: Proxy) => Proxy;
