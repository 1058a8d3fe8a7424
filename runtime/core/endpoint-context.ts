import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BackendPlan, EndpointPlan } from '../plan/plan.js';
import type { Upstream, UpstreamDeps } from '../shared/upstream/upstream.js';
import type { GatewayDeps } from '../shared/gateway-deps.js';
import type { Codecs } from './pipe/codecs.js';

/** What every endpoint factory receives besides its own Plan slice: its slice of the gateway's deps, and the endpoint's own parts. */
export interface EndpointDeps extends Pick<GatewayDeps, 'service' | 'brand' | 'log'> {
  /** One upstream per backend, in the endpoint's backend order. */
  upstreams: Upstream[];
  /** Encodings beyond JSON that this build links (xml, yaml, negotiate, …). */
  codecs?: Codecs;
  /** auth/signer and the like: takes over writing the answer. */
  finisher?: ResponseFinisher;
  /** Proxy middlewares around the whole pipe, outermost first. */
  endpointWrappers?: import('./pipe/proxy.js').ProxyWrapper[];
  /** Per backend (same index as `upstreams`), proxy middlewares around its proxy, outermost first. */
  backendWrappers?: import('./pipe/proxy.js').ProxyWrapper[][];
}

/** The per-endpoint request handler the router calls; `params` are decoded path params in route order. */
export type EndpointHandler = (req: IncomingMessage, res: ServerResponse, params: string[], rawQuery: string) => void;

export type EndpointFactory = (endpoint: EndpointPlan, deps: EndpointDeps) => EndpointHandler;

/**
 * Replaces an endpoint's rendering (auth/signer): the data is transformed and
 * written as plain JSON without the completed header; a throw is a 400.
 */
export type ResponseFinisher = (data: import('../shared/json/json-number.js').JsonObject) => Promise<import('../shared/json/json-number.js').JsonObject>;
export type ResponseFinisherFactory = (endpoint: EndpointPlan) => ResponseFinisher;

/** Builds a proxy middleware for an endpoint (`backend` undefined) or for one of its backends. */
export type ProxyWrapperFactory = (
  endpoint: EndpointPlan,
  backend: BackendPlan | undefined,
  deps: Pick<GatewayDeps, 'log' | 'brand'>,
) => import('./pipe/proxy.js').ProxyWrapper;

export type UpstreamFactory = (backend: BackendPlan, deps: UpstreamDeps) => Upstream;
