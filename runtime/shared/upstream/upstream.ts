import type { Readable } from 'node:stream';
import type { GatewayDeps } from '../gateway-deps.js';
import type { Pool } from 'undici';

/**
 * The contract every upstream kind (http, base_ha, base-network, zap)
 * implements. It is undici's dispatch-handler shape, so the http upstream
 * hands the handler to undici untouched and the hot path allocates no
 * promises: one handler object per backend call receives the response.
 */
export interface UpstreamRequest {
  method: string;
  /** Path plus query, already encoded. */
  path: string;
  /** Flat `[name, value, name, value, …]`; repeated names stay separate lines. */
  headers: string[];
  /** null: no body (`Content-Length: 0` is sent for POST/PUT/PATCH); a stream or iterable of unknown length is sent chunked. */
  body: Readable | AsyncIterable<Buffer> | Buffer | null;
  /** Set by the upstream to the URL it called (after redirects), for error texts. */
  url?: string;
  /** The identity the IAM gate minted (wire-form header lines); absent when no gate ran. */
  identity?: import('../headers/verified-identity.js').VerifiedIdentity;
}

export interface UpstreamHandler {
  /** Called once before any other callback with a function that cancels the call. */
  onConnect(abort: (reason?: Error) => void): void;
  /** Raw header lines as undici gives them; return false to pause until `resume`. */
  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void, statusText: string): boolean;
  /** A body chunk; return false to pause until `resume`. */
  onData(chunk: Buffer): boolean;
  onComplete(trailers: Buffer[] | null): void;
  onError(err: Error): void;
}

export interface Upstream {
  dispatch(request: UpstreamRequest, handler: UpstreamHandler): void;
  /** Settles when the upstream can route (e.g. the first leader poll); the server listens after it. */
  ready?: Promise<void>;
  /** Releases pooled connections (used when the server drains). */
  close(): Promise<void>;
}

/** Thrown (via onError) when a backend has no usable host. */
export class UpstreamError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The process's kept-alive connections, one undici Pool per backend origin
 * (`upstream/http/pools.ts` implements it; the server owns and closes it).
 */
export interface ConnectionPools {
  get(origin: string): Pool;
  close(): Promise<void>;
}

/** What every upstream factory and backend stage receives: its slice of the gateway's deps, the pools and the client settings. */
export interface UpstreamDeps extends Pick<GatewayDeps, 'hostMap' | 'log'> {
  pools: ConnectionPools;
  /** `client.disable_compression`: do not ask backends for gzip. */
  disableCompression: boolean;
  /** `dns_cache_ttl`: how long an `sd: dns` SRV answer is used (default 30 s). */
  dnsCacheTtlMs?: number;
}

/**
 * A backend stage (design.md §3): circuit breaker, proxy rate limit, HTTP
 * cache, client plugins. It wraps the upstream of one backend — `next` is the
 * stage inside it (ultimately the upstream) — and may answer by itself.
 * Built once per backend; `deps.log` for state changes.
 */
export type BackendStageFactory = (backend: import('../../plan/plan.js').BackendPlan, deps: UpstreamDeps, next: Upstream) => Upstream;
