import { hostname } from 'node:os';
import { goDurationMs } from '../shared/go/go-duration.js';
import { hostAndPort } from '../shared/go/split-host-port.js';

/**
 * The relay's environment (hanzo-core §7.1, spec C4). Unlike the Go binary,
 * every listener binds loopback unless an address is given: `:8081` (an
 * empty host) is every interface, as in Go, but only when written out.
 */
export interface RelayConfig {
  nodeId: string;
  /** The ZAP node callers send Forward envelopes to (`HGW_ZAP_NODE_LISTEN`; Go: an ephemeral port). */
  zapListen: { host: string; port: number };
  /** `GATEWAY_LISTEN`: /healthz and /readyz. */
  listen: { host: string; port: number };
  /** `GATEWAY_HEALTH_LISTEN`: /healthz, /readyz and /metrics. */
  healthListen: { host: string; port: number };
  cloudAddr: string;
  baseAddr: string;
  /** `GATEWAY_SHUTDOWN_TIMEOUT`: how long a drain waits for calls in flight. */
  shutdownMs: number;
  /** How long a peer has to answer one Forward (`HGW_RELAY_TIMEOUT`, default 120 s). */
  callTimeoutMs: number;
}

type Env = Readonly<Record<string, string | undefined>>;

export function relayConfigFromEnv(env: Env): RelayConfig {
  let host = 'gateway';
  try {
    host = hostname() || 'gateway';
  } catch {
    // Go falls back to "gateway" when the hostname is unavailable.
  }
  const positive = (value: string | undefined, fallback: number) => {
    const ms = goDurationMs(value, fallback);
    return ms > 0 ? ms : fallback;
  };
  return {
    nodeId: env.GATEWAY_NODE_ID || host,
    zapListen: address(env.HGW_ZAP_NODE_LISTEN, '127.0.0.1:0', 'HGW_ZAP_NODE_LISTEN'),
    listen: address(env.GATEWAY_LISTEN, '127.0.0.1:8080', 'GATEWAY_LISTEN'),
    healthListen: address(env.GATEWAY_HEALTH_LISTEN, '127.0.0.1:8081', 'GATEWAY_HEALTH_LISTEN'),
    cloudAddr: env.CLOUD_ZAP_ADDR || 'cloud:9090',
    baseAddr: env.BASE_ZAP_ADDR || 'base:9091',
    shutdownMs: positive(env.GATEWAY_SHUTDOWN_TIMEOUT, 30_000),
    callTimeoutMs: positive(env.HGW_RELAY_TIMEOUT, 120_000),
  };
}

function address(value: string | undefined, fallback: string, name: string): { host: string; port: number } {
  const text = value || fallback;
  const parsed = hostAndPort(text);
  if (!parsed || parsed.port > 65535) throw new Error(`${name}=${JSON.stringify(text)} is not host:port`);
  return parsed;
}
