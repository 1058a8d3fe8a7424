import { isIP } from 'node:net';
import { settingsParser } from '../../plan/settings.js';

/**
 * `auth/revoker`'s settings as the runtime and `hgw check` read them, and the
 * one rule about exposing its API: it binds loopback unless `listen_ip` says
 * otherwise, and bound anywhere else it must have `revoke_server_api_key` —
 * anyone who reaches an open revocation API can revoke anyone.
 */
export interface RevokerConfig {
  n: number;
  p: number;
  ttlSeconds: number;
  port: number;
  /** hgw's key (KrakenD's RPC server has none): the address the revocation API binds; loopback by default. */
  listenIp: string;
  tokenKeys: string[];
  apiKey: string;
}

export const REVOKER_DEFAULT_LISTEN_IP = '127.0.0.1';

export function revokerConfig(value: unknown): RevokerConfig {
  const v = (value !== null && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  return {
    n: typeof v.N === 'number' ? v.N : 10_000_000,
    p: typeof v.P === 'number' ? v.P : 1e-7,
    ttlSeconds: typeof v.TTL === 'number' && v.TTL > 0 ? v.TTL : 1500,
    port: typeof v.port === 'number' ? v.port : 0,
    listenIp: typeof v.listen_ip === 'string' && v.listen_ip !== '' ? v.listen_ip : REVOKER_DEFAULT_LISTEN_IP,
    tokenKeys: Array.isArray(v.token_keys) ? v.token_keys.filter((k): k is string => typeof k === 'string') : [],
    apiKey: typeof v.revoke_server_api_key === 'string' ? v.revoke_server_api_key : '',
  };
}

/** The settings the Plan holds (its listen rules are lint rule revoker's, with their own ids). */
export const revokerSettings = /* @__PURE__ */ settingsParser<RevokerConfig>((raw) => (raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? revokerConfig(raw) : undefined));

/** 127.0.0.0/8 and ::1 (also as ::ffff:127.x): only processes on this host reach them. */
export function isLoopbackIp(ip: string): boolean {
  if (ip === '::1') return true;
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

/** Why this revocation API must not start as configured, or undefined when it may. */
export function revokerListenProblem(cfg: RevokerConfig): string | undefined {
  if (isIP(cfg.listenIp) === 0) return `listen_ip ${JSON.stringify(cfg.listenIp)} is not an IP address`;
  if (!isLoopbackIp(cfg.listenIp) && cfg.apiKey === '') return `the revocation API would listen on ${cfg.listenIp} with no revoke_server_api_key: anyone who reaches it could revoke any token`;
  return undefined;
}
