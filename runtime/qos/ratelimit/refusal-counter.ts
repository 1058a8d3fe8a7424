import { counter } from '../../shared/counters.js';

/**
 * `gateway_ratelimit_refusals_total{layer}`: requests a router limit answered
 * 429, and backend calls a proxy limit did not make.
 */
const REFUSALS = counter('gateway_ratelimit_refusals', 'Requests and backend calls refused by a rate limit, by layer');

export const ROUTER_REFUSALS = REFUSALS.series({ layer: 'router' });
export const PROXY_REFUSALS = REFUSALS.series({ layer: 'proxy' });
