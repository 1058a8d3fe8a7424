/**
 * `telemetry/gelf` `address`: `host:port` (an IPv6 host in brackets), as
 * KrakenD takes it. Shared by `check`, which reports a bad one at its
 * position, and the runtime, which refuses to start with one.
 */
export interface GelfAddress {
  host: string;
  port: number;
}

export function parseGelfAddress(address: string): GelfAddress | undefined {
  const colon = address.lastIndexOf(':');
  if (colon <= 0) return undefined;
  let host = address.slice(0, colon);
  const portText = address.slice(colon + 1);
  if (!/^\d{1,5}$/.test(portText)) return undefined;
  const port = Number(portText);
  if (port < 1 || port > 65535) return undefined;
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  else if (host.includes(':')) return undefined; // an IPv6 host needs its brackets
  return host === '' ? undefined : { host, port };
}
