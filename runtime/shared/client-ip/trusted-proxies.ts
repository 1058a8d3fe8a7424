/**
 * The proxies whose X-Forwarded-For the gateway believes when it picks the
 * client IP for a rate limit: the Go gateway's default set (loopback and the
 * private ranges an in-cluster ingress lives in), or GATEWAY_TRUSTED_PROXIES,
 * which replaces it. A bad entry is dropped, so a typo trusts less, not more.
 */
import { goTrimSpace } from '../go/go-trim-space.js';
import type { IpAddress } from './ip-address.js';
import { parseIpPrefix, prefixContains, type IpPrefix } from './ip-prefix.js';

export const TRUSTED_PROXIES_ENV = 'GATEWAY_TRUSTED_PROXIES';

export const DEFAULT_TRUSTED_PROXIES: readonly string[] = Object.freeze([
  '127.0.0.0/8',
  '::1/128',
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '100.64.0.0/10',
  '169.254.0.0/16',
  'fe80::/10',
  'fc00::/7',
]);

export interface TrustedProxies {
  readonly prefixes: readonly IpPrefix[];
  /** Entries that did not parse as a CIDR and were dropped (as given, before trimming). */
  readonly rejected: readonly string[];
  contains(ip: IpAddress): boolean;
}

/** Each entry trimmed and parsed as `addr/bits` (a bare IP is not a CIDR and is dropped, as in Go). */
export function parseTrustedProxies(entries: readonly string[]): TrustedProxies {
  const prefixes: IpPrefix[] = [];
  const rejected: string[] = [];
  for (const entry of entries) {
    const prefix = parseIpPrefix(goTrimSpace(entry));
    if (prefix === undefined) rejected.push(entry);
    else prefixes.push(prefix);
  }
  return {
    prefixes,
    rejected,
    contains(ip) {
      for (const p of prefixes) if (prefixContains(p, ip)) return true;
      return false;
    },
  };
}

/** GATEWAY_TRUSTED_PROXIES (comma-separated CIDRs) when set and non-empty, else the default set. */
export function trustedProxiesFromEnv(env: Readonly<Record<string, string | undefined>>): TrustedProxies {
  const raw = env[TRUSTED_PROXIES_ENV];
  return parseTrustedProxies(raw === undefined || raw === '' ? DEFAULT_TRUSTED_PROXIES : raw.split(','));
}

/** A `router.trusted_proxies` entry as gin reads it: a CIDR, or a bare address as its single-address prefix. */
export function ginTrustedProxyCidr(entry: string): string {
  const trimmed = entry.trim();
  return trimmed.includes('/') ? trimmed : `${trimmed}/${trimmed.includes(':') ? 128 : 32}`;
}
