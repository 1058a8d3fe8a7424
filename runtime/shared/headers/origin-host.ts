/**
 * The host an Origin or Referer value names, extracted the way the Go gate
 * does it (not a URL parser): drop everything through the first `://`, cut
 * at the first `/`, then take the host of `host:port` when net.SplitHostPort
 * accepts it. No lower-casing, no trailing-dot removal; '' for ''.
 */
import { splitHostPort } from '../go/split-host-port.js';

export function originHost(value: string): string {
  let s = value;
  const scheme = s.indexOf('://');
  if (scheme !== -1) s = s.slice(scheme + 3);
  const slash = s.indexOf('/');
  if (slash !== -1) s = s.slice(0, slash);
  return splitHostPort(s)?.host ?? s;
}
