/**
 * Which requests the auth gate admits without looking at a token (spec A2
 * steps 3–6): tokenless DSN ingest, public hosts and public path prefixes.
 *
 * The path is the one the router matches: the request-target before `?`,
 * percent-decoded (Go's URL.Path). A path counts as public only when both it
 * and its cleaned form (no `//`, `.`, `..`) are public, so `/healthz/../admin`
 * cannot borrow `/healthz`'s exemption on a router that cleans paths; billing
 * is gated when either form is gated. For ordinary paths both forms are the same.
 */
import type { IncomingMessage } from 'node:http';
import { cleanPath } from '../../core/router.js';
import { firstRequestHeader } from '../../shared/headers/request-header-lines.js';

export interface RequestTarget {
  method: string;
  /** Host header with everything from the first `:` removed (IPv6 literals not special-cased, as in Go). */
  host: string;
  /** Decoded path. */
  path: string;
  /** `path` cleaned as gin's cleanPath does. */
  cleanPath: string;
}

export function requestTarget(req: IncomingMessage): RequestTarget {
  return requestTargetOf(req.method ?? 'GET', req.url ?? '/', firstRequestHeader(req, 'host'));
}

/** The same from a method, request-target and Host value (a ZAP Forward carries no IncomingMessage). */
export function requestTargetOf(method: string, url: string, hostHeader: string): RequestTarget {
  const q = url.indexOf('?');
  const raw = q === -1 ? url : url.slice(0, q);
  let path = raw;
  if (raw.includes('%')) {
    try {
      path = decodeURIComponent(raw);
    } catch {
      // a bad escape: the router answers 400; match on the raw form meanwhile
    }
  }
  const colon = hostHeader.indexOf(':');
  return {
    method,
    host: colon === -1 ? hostHeader : hostHeader.slice(0, colon),
    path,
    cleanPath: isClean(path) ? path : cleanPath(path),
  };
}

/** No `//`, `.` or `..` segment: cleaning would not change the path (spares the allocation per request). */
function isClean(path: string): boolean {
  return path.startsWith('/') && !path.includes('//') && !/\/\.\.?(?:\/|$)/.test(path);
}

/** Both path forms satisfy `test`. */
export function bothForms(target: RequestTarget, test: (path: string) => boolean): boolean {
  return test(target.path) && (target.cleanPath === target.path || test(target.cleanPath));
}

/** Either path form satisfies `test`. */
export function eitherForm(target: RequestTarget, test: (path: string) => boolean): boolean {
  return test(target.path) || (target.cleanPath !== target.path && test(target.cleanPath));
}

const INGEST_ROOTS = ['/v1/event/', '/v1/o11y/api/'];
const INGEST_ENDINGS = ['/envelope/', '/envelope', '/store/', '/store'];

/** Tokenless error/event ingest (Sentry-style DSN): POST to an envelope or store path under an ingest root. */
export function isIngestPath(method: string, path: string): boolean {
  if (method !== 'POST') return false;
  if (!INGEST_ROOTS.some((root) => path.startsWith(root))) return false;
  return INGEST_ENDINGS.some((end) => path.endsWith(end));
}

/** Exact, case-sensitive host match. */
export function isPublicHost(host: string, publicHosts: readonly string[]): boolean {
  return publicHosts.includes(host);
}

/** Plain prefix match (`/healthz` also covers `/healthzz`); empty entries never match. */
export function isPublicPath(path: string, publicPaths: readonly string[]): boolean {
  return publicPaths.some((prefix) => prefix !== '' && path.startsWith(prefix));
}
