import type { ServerResponse } from 'node:http';
import { PROBE_PATHS, type ServicePlan } from '../plan/plan.js';
import type { Readiness } from './readiness.js';

/**
 * Kubernetes probes, answered by the server before any middleware, route or
 * access log (a probe every few seconds is not traffic, and no gate may
 * refuse it). Bodies are the Go gateway's (`probes.go`): liveness is 200 as
 * long as the process serves, readiness is 503 while anything holds traffic
 * back (start-up, draining). One table, so a profile can change the paths.
 */
export type Probe = (res: ServerResponse, readiness: Readiness) => void;

export const PROBES: Readonly<Record<string, Probe>> = {
  [PROBE_PATHS.liveness]: (res) => json(res, 200, '{"status":"ok","service":"gateway"}'),
  [PROBE_PATHS.readiness]: (res, readiness) =>
    readiness.isReady()
      ? json(res, 200, '{"status":"ready","service":"gateway"}')
      : json(res, 503, `{"status":"not ready","service":"gateway","reasons":${JSON.stringify(readiness.why())}}`),
};

/**
 * The hanzo profile's probes: the Go legacy engine's `/healthz` body
 * (`{"status":"ok"}`, hanzo-core.md §8.1 — it replaces Lura's `/__health`,
 * which that profile switches off), and the same `/readyz`.
 */
export const HANZO_PROBES: Readonly<Record<string, Probe>> = {
  [PROBE_PATHS.liveness]: (res) => json(res, 200, '{"status":"ok"}'),
  [PROBE_PATHS.readiness]: PROBES[PROBE_PATHS.readiness]!,
};

/** The probe table of a service's profile. */
export function probesFor(service: Pick<ServicePlan, 'profile'>): Readonly<Record<string, Probe>> {
  return service.profile?.name === 'hanzo' ? HANZO_PROBES : PROBES;
}

/** The probe for a request line's path (exact; a query string is ignored), if any. */
export function probeFor(url: string | undefined, probes: Readonly<Record<string, Probe>> = PROBES): Probe | undefined {
  // Every request passes here: the length test keeps it to one comparison for real traffic.
  if (url === undefined || url.length > 32) return undefined;
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  return Object.prototype.hasOwnProperty.call(probes, path) ? probes[path] : undefined;
}

function json(res: ServerResponse, status: number, body: string): void {
  // A balancer must not cache a readiness answer.
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(body) }).end(body);
}
