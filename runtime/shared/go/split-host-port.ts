/**
 * Go's net.SplitHostPort, the one copy: `host:port` or `[host]:port` split at
 * the last colon, brackets only around the whole host, no colon in an
 * unbracketed host, no stray `[` or `]`. Undefined where Go returns an error.
 * The port is not checked (Go leaves that to the dialler); `hostAndPort`
 * adds the decimal check the listeners and dialers here need.
 */
export function splitHostPort(hostport: string): { host: string; port: string } | undefined {
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
  return { host, port: hostport.slice(colon + 1) };
}

/** A listen or dial address: SplitHostPort with a port of decimal digits, as a number. The host may be ''. */
export function hostAndPort(address: string): { host: string; port: number } | undefined {
  const split = splitHostPort(address);
  if (split === undefined || !/^\d+$/.test(split.port)) return undefined;
  return { host: split.host, port: Number(split.port) };
}
