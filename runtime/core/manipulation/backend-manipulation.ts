/**
 * Lura turns each backend's decoded answer into its share of the endpoint's
 * answer in one fixed order (proxy/formatter.go, NewEntityFormatter):
 * target → allow or deny → mapping → group, or, when the backend has a
 * non-empty flatmap_filter, target → flatmap → group with allow, deny and
 * mapping ignored. Composing the configured steps once per backend leaves a
 * request with only the steps it needs. `is_collection` is not a step here:
 * the decoder already wrapped the array as `{"collection": [...]}`, which is
 * why target and mapping can name `collection`.
 */
import type { JsonObject } from '../../shared/json/json-number.js';
import type { BackendPlan, FlatmapOp } from '../../plan/plan.js';
import { compileAllow } from './allow.js';
import { compileDeny } from './deny.js';
import { compileFlatmap } from './flatmap.js';
import { compileGroup, wrapInGroup } from './group.js';
import { compileMapping } from './mapping.js';
import { compileTarget } from './target.js';

export type Manipulation = (data: JsonObject) => JsonObject;

export type ManipulationConfig = Pick<BackendPlan, 'target' | 'allow' | 'deny' | 'mapping' | 'group' | 'flatmapFilter'>;

const unchanged: Manipulation = (data) => data;

/** False when the backend's answer passes through untouched, so the caller can skip the call. */
export function hasBackendManipulation(backend: ManipulationConfig): boolean {
  return (
    !!backend.target ||
    !!backend.group ||
    (backend.flatmapFilter?.length ?? 0) > 0 ||
    (backend.allow?.length ?? 0) > 0 ||
    (backend.deny?.length ?? 0) > 0 ||
    Object.keys(backend.mapping ?? {}).length > 0
  );
}

/** Runs on the freshly decoded data of one request and may change it in place. */
export function compileBackendManipulation(backend: ManipulationConfig): Manipulation {
  const target = backend.target ? compileTarget(backend.target) : undefined;
  const group = backend.group || undefined;

  if (backend.flatmapFilter && backend.flatmapFilter.length > 0) {
    const flatmap = compileFlatmap(backend.flatmapFilter);
    return (data) => {
      const reshaped = flatmap(target ? target(data) : data);
      if (group !== undefined) return wrapInGroup(group, reshaped);
      return reshaped ?? {};
    };
  }

  const steps: Manipulation[] = [];
  if (target) steps.push(target);
  // Lura uses the allow list when it has entries and the deny list otherwise, never both.
  if (backend.allow && backend.allow.length > 0) steps.push(compileAllow(backend.allow));
  else if (backend.deny && backend.deny.length > 0) steps.push(compileDeny(backend.deny));
  if (backend.mapping && Object.keys(backend.mapping).length > 0) steps.push(compileMapping(backend.mapping));
  if (group !== undefined) steps.push(compileGroup(group));
  return chain(steps);
}

/**
 * The endpoint's own flatmap_filter, run on the merged answer. Lura installs
 * it only for endpoints with two or more backends; the caller checks that.
 * An answer left without keys is `{}` here where Lura writes `null`.
 */
export function compileEndpointFlatmap(ops: readonly FlatmapOp[]): Manipulation {
  if (ops.length === 0) return unchanged;
  const flatmap = compileFlatmap(ops);
  return (data) => flatmap(data) ?? {};
}

function chain(steps: readonly Manipulation[]): Manipulation {
  const [first, second, third, fourth] = steps;
  switch (steps.length) {
    case 0:
      return unchanged;
    case 1:
      return first!;
    case 2:
      return (data) => second!(first!(data));
    case 3:
      return (data) => third!(second!(first!(data)));
    default:
      return (data) => fourth!(third!(second!(first!(data))));
  }
}
