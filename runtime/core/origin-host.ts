/**
 * The host an Origin or Referer value names, extracted the way the Go gate
 * does it (not a URL parser): drop everything through the first `://`, cut
 * at the first `/`, then take the host of `host:port` when net.SplitHostPort
 * accepts it. No lower-casing, no trailing-dot removal; '' for ''.
 */

export function originHost(value: string): string {
  let s = value;
  const scheme = s.indexOf('://');
  if (scheme !== -1) s = s.slice(scheme + 3);
  const slash = s.indexOf('/');
  if (slash !== -1) s = s.slice(0, slash);
  return hostOfHostPort(s) ?? s;
}

/** Go's net.SplitHostPort, host part only; undefined where it returns an error. */
function hostOfHostPort(hostport: string): string | undefined {
  const colon = hostport.lastIndexOf(':');
  if (colon === -1) return undefined; // missing port
  let host: string;
  let noOpenFrom = 0;
  let noCloseFrom = 0;
  if (hostport.charCodeAt(0) === 0x5b /* [ */) {
    const close = hostport.indexOf(']');
    if (close === -1 || close + 1 !== colon) return undefined; // missing ']', missing port, or too many colons
    host = hostport.slice(1, close);
    noOpenFrom = 1;
    noCloseFrom = close + 1;
  } else {
    host = hostport.slice(0, colon);
    if (host.includes(':')) return undefined; // too many colons
  }
  if (hostport.indexOf('[', noOpenFrom) !== -1 || hostport.indexOf(']', noCloseFrom) !== -1) return undefined;
  return host;
}
