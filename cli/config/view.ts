/**
 * Defensive read access to a config value that may not match the schema:
 * lint runs even when validation failed, so nothing here may throw.
 */
import { LEGACY_NAMESPACES } from '../validate/known-exceptions.js';

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function obj(v: unknown): Obj {
  return isObj(v) ? v : {};
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function strs(v: unknown): string[] {
  return arr(v).filter((x): x is string => typeof x === 'string');
}

export function bool(v: unknown): boolean {
  return v === true;
}

export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function has(o: Obj, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, key);
}

export interface EndpointRef {
  index: number;
  pointer: string;
  value: Obj;
}

export interface BackendRef {
  endpoint: EndpointRef;
  index: number;
  pointer: string;
  value: Obj;
}

export function endpoints(config: unknown): EndpointRef[] {
  return arr(obj(config).endpoints).flatMap((value, index) =>
    isObj(value) ? [{ index, pointer: `/endpoints/${index}`, value }] : [],
  );
}

export function backends(ep: EndpointRef): BackendRef[] {
  return arr(ep.value.backend).flatMap((value, index) =>
    isObj(value) ? [{ endpoint: ep, index, pointer: `${ep.pointer}/backend/${index}`, value }] : [],
  );
}

export function extraConfig(o: Obj): Obj {
  return obj(o.extra_config);
}

/**
 * The key of `extra` the plan reads `short` from: the short namespace, else
 * the first legacy long one KrakenD still reads (github.com/devopsfaith/…),
 * so a rule looks where the runtime will.
 */
export function namespaceKey(extra: Obj, short: string): string | undefined {
  if (short in extra) return short;
  return Object.keys(extra).find((k) => LEGACY_NAMESPACES[k] === short);
}

/** The three Hanzo upstream namespaces, in the order the Go gateway checks them. */
export const NS = {
  baseHa: 'github.com/hanzoai/gateway/base_ha',
  baseNetwork: 'github.com/hanzoai/gateway/base-network',
  zap: 'github.com/hanzoai/gateway/zap',
  authPublic: 'auth/public',
} as const;

export interface NamespaceBlockRef {
  backend: BackendRef;
  block: Obj;
  /** Pointer of the namespace block itself. */
  pointer: string;
}

/** Every backend carrying an object under `ns` in its extra_config. */
export function backendBlocks(config: unknown, ns: string): NamespaceBlockRef[] {
  return endpoints(config).flatMap((ep) =>
    backends(ep).flatMap((be) => {
      const block = extraConfig(be.value)[ns];
      return isObj(block) ? [{ backend: be, block, pointer: `${be.pointer}/extra_config/${ns.replace(/~/g, '~0').replace(/\//g, '~1')}` }] : [];
    }),
  );
}
