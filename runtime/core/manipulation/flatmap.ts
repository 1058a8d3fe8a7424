/**
 * flatmap_filter reshapes arrays and nested objects, which allow/deny/mapping
 * cannot. Each operation's paths are split and classified here once, so a
 * request only walks its data. Semantics are those of krakend/flatmap's tree
 * as Lura drives it (proxy/formatter.go, processOps):
 * - `move [src, dst]`: same length renames the last label in place (the rest
 *   of dst is not read); a shorter dst promotes the value towards the root; a
 *   longer dst embeds it below the node it was taken from;
 * - `del [paths…]`: removes the last step only (`a.b.c` removes `c`);
 * - `append [src, dst]`: both must hold arrays; src's elements go to the end
 *   of dst and src is deleted.
 * `*` matches any key or array position while walking; numeric labels name
 * array positions. Unknown types are ignored, as Lura ignores them; a move or
 * append with fewer than two paths (which makes Lura panic) is ignored too.
 * See flatmap-workspace.ts for how arrays and emptied containers behave.
 */
import type { JsonObject } from '../../shared/json/json-number.js';
import type { FlatmapOp } from '../../plan/plan.js';
import { compileFlatmapPath, FlatmapWorkspace, type FlatmapPath } from './flatmap-workspace.js';

type CompiledOp = (workspace: FlatmapWorkspace) => void;

/**
 * Returns null when the operations removed every top-level key: Lura's data is
 * then a nil map (written as `null`, grouped as `{"group": null}`).
 */
export function compileFlatmap(ops: readonly FlatmapOp[]): (data: JsonObject) => JsonObject | null {
  const compiled: CompiledOp[] = [];
  for (const op of ops) compiled.push(...compileOp(op));
  return (data) => {
    const workspace = new FlatmapWorkspace(data);
    for (const run of compiled) run(workspace);
    return workspace.finish();
  };
}

function compileOp(op: FlatmapOp): CompiledOp[] {
  switch (op.type) {
    case 'move':
      return op.args.length < 2 ? [] : [compileMove(compileFlatmapPath(op.args[0]!), compileFlatmapPath(op.args[1]!))];
    case 'append':
      return op.args.length < 2 ? [] : [compileAppend(compileFlatmapPath(op.args[0]!), compileFlatmapPath(op.args[1]!))];
    case 'del':
      return op.args.map((arg) => {
        const path = compileFlatmapPath(arg);
        return (workspace: FlatmapWorkspace) => workspace.del(path);
      });
    default:
      return [];
  }
}

function compileMove(src: FlatmapPath, dst: FlatmapPath): CompiledOp {
  const prefix = src.slice(0, -1);
  const last = src[src.length - 1]!;
  if (src.length === dst.length) {
    const newLabel = dst[dst.length - 1]!.label;
    return (workspace) => workspace.relabel(prefix, last, newLabel);
  }
  if (src.length > dst.length) {
    const dstUsesWildcard = dst.slice(0, -1).some((step) => step.wildcard);
    return (workspace) => workspace.promote(prefix, last, dst, dstUsesWildcard);
  }
  const tail = dst.slice(src.length - 1);
  return (workspace) => workspace.embed(prefix, last, tail);
}

function compileAppend(src: FlatmapPath, dst: FlatmapPath): CompiledOp {
  const dstUsesWildcard = dst.some((step) => step.wildcard);
  return (workspace) => workspace.append(src, dst, dstUsesWildcard);
}
