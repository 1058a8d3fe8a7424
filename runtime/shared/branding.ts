/**
 * What the gateway calls itself. The Go gateway replaces KrakenD's names:
 * `X-Powered-By: <brand> Version <v>` instead of `X-Krakend`, the completion
 * header `X-Gateway-Completed`, and the same value as the backend User-Agent.
 * Brand and version are build options (conformance runs report 2.13.8).
 */
export interface BrandOptions {
  name: string;
  version: string;
}

export interface Branding {
  /** `<brand> Version <v>` (or `Version undefined` with router.hide_version_header). */
  readonly poweredBy: string;
  /** Sent to backends as User-Agent, or as X-Forwarded-Via when the client's User-Agent is forwarded. */
  readonly userAgent: string;
  /** The build version, `X-Api-Version` of the production headers (Go's core.KrakendVersion). */
  readonly version: string;
}

export const POWERED_BY_HEADER = 'X-Powered-By';
export const COMPLETED_HEADER = 'X-Gateway-Completed';

export function branding(brand: BrandOptions, hideVersion: boolean): Branding {
  const full = `${brand.name} Version ${brand.version}`;
  return { poweredBy: hideVersion ? `${brand.name} Version undefined` : full, userAgent: full, version: brand.version };
}
