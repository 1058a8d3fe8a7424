/**
 * Lura runs flatmap_filter on a tree it rebuilds from every response
 * (krakend/flatmap `tree`). Two facts of that tree show in the output and are
 * not visible in plain JSON:
 * - an array's children keep the labels they were built with (`"0"`, `"1"`…)
 *   after siblings are deleted, renamed or moved in, so `items.2` keeps naming
 *   the same element, while the array itself is written in child order;
 * - a node left without children is written as the value it was built from:
 *   an object or array that had members becomes `null`, one that was empty
 *   stays `{}`/`[]`, a scalar that received children turns back into it.
 * Rebuilding the tree would copy every response, so this works on the decoded
 * JSON in place and records only those two facts, for the few containers an
 * operation actually touches. A final walk runs only when some container with
 * a replacement value ended up empty.
 *
 * Where Lura's tree keeps two children with one label (a move onto an existing
 * key), this keeps the moved value only: the same output, except that a later
 * operation on that key would have found the old child in Lura.
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../../shared/json/json-number.js';
import { hasOwn, setOwn } from './own-property.js';

/** One step of a dot path, parsed once at compile time. */
export interface PathStep {
  readonly label: string;
  /** The array position the label names before any relabelling (Go's strconv.Itoa form), or -1. */
  readonly index: number;
  readonly wildcard: boolean;
}

export type FlatmapPath = readonly PathStep[];

export function compileFlatmapPath(path: string): FlatmapPath {
  return path.split('.').map(pathStep);
}

function pathStep(label: string): PathStep {
  return { label, index: canonicalIndex(label), wildcard: label === '*' };
}

const CANONICAL_INDEX = /^(?:0|[1-9][0-9]{0,14})$/;

function canonicalIndex(label: string): number {
  return CANONICAL_INDEX.test(label) ? Number(label) : -1;
}

type Container = JsonObject | JsonValue[];
/** Where a child sits: its key in an object, its position in an array. */
type Slot = string | number;

interface Candidate {
  readonly container: Container;
  /** Labels from the root to `container`; tracked only when a promotion's dst uses `*`. */
  readonly path: readonly string[];
}

interface Detached {
  readonly value: JsonValue;
  readonly parent: Container;
  readonly path: readonly string[];
}

const ROOT_PATH: readonly string[] = [];

function isContainer(value: JsonValue | undefined): value is Container {
  return Array.isArray(value) || isJsonObject(value);
}

function isEmpty(container: Container): boolean {
  if (Array.isArray(container)) return container.length === 0;
  for (const key in container) if (hasOwn(container, key)) return false;
  return true;
}

function hasOtherKey(object: JsonObject, key: string): boolean {
  for (const other in object) if (other !== key && hasOwn(object, other)) return true;
  return false;
}

function valueAt(container: Container, slot: Slot): JsonValue {
  return (Array.isArray(container) ? container[slot as number] : container[slot as string])!;
}

function setAt(container: Container, slot: Slot, value: JsonValue): void {
  if (Array.isArray(container)) container[slot as number] = value;
  else setOwn(container, slot as string, value);
}

/** One request's run of flatmap operations over its decoded data. */
export class FlatmapWorkspace {
  /** Arrays whose children no longer carry the labels "0".."n-1", with their labels in order. */
  private labels: Map<JsonValue[], string[]> | undefined;
  /** What a container is written as when it has no children; a container mapped to itself stays as is. */
  private emptyValues: Map<Container, JsonValue> | undefined;
  /** Some container whose empty value is not itself became empty: the final walk is needed. */
  private needsFixup = false;

  constructor(private readonly root: JsonObject) {}

  /** The data as Lura's tree would expand it; null when the root lost every key (Lura's nil map). */
  finish(): JsonObject | null {
    if (!this.needsFixup) return this.root;
    if (isEmpty(this.root)) return this.emptyValues?.get(this.root) === null ? null : this.root;
    this.replaceEmptied(this.root);
    return this.root;
  }

  // ---- operations -------------------------------------------------------

  /** `move` with src and dst of equal length: only the last label changes, in place. */
  relabel(prefix: FlatmapPath, last: PathStep, newLabel: string): void {
    for (const { container } of this.candidates(prefix, false)) {
      const slot = this.slotOf(container, last.label, last.index);
      if (slot === undefined) continue;
      if (Array.isArray(container)) {
        if (!this.labels?.has(container) && newLabel === String(slot)) continue;
        this.explicitLabels(container)[slot as number] = newLabel;
      } else if (slot !== newLabel) {
        const value = container[slot]!;
        delete container[slot];
        setOwn(container, newLabel, value);
      }
    }
  }

  /**
   * `move` to a shorter dst: each value is attached under the node dst's
   * prefix names from the root (`*` there repeats the label src matched at
   * that depth), stopping at the deepest node that exists.
   */
  promote(prefix: FlatmapPath, last: PathStep, dst: FlatmapPath, dstUsesWildcard: boolean): void {
    const detached = this.detach(prefix, last, dstUsesWildcard);
    const lastDst = dst[dst.length - 1]!;
    for (const item of detached) {
      let holder: Container | undefined;
      let holderSlot: Slot = '';
      let node: JsonValue = this.root;
      for (let i = 0; i < dst.length - 1; i++) {
        if (!isContainer(node)) break;
        const step = dst[i]!;
        const label = step.wildcard ? item.path[i]! : step.label;
        const slot = this.slotOf(node, label, step.wildcard ? canonicalIndex(label) : step.index);
        if (slot === undefined) break;
        holder = node;
        holderSlot = slot;
        node = valueAt(node, slot);
      }
      const target = isContainer(node) ? node : this.containerAt(holder!, holderSlot);
      this.attach(target, lastDst.label, item.value);
    }
  }

  /**
   * `move` to a longer dst: dst is read relative to the node the value was
   * taken from (its first src-length-minus-one labels are not used), missing
   * intermediate objects are created and `*` is a literal label.
   */
  embed(prefix: FlatmapPath, last: PathStep, tail: FlatmapPath): void {
    const detached = this.detach(prefix, last, false);
    const lastTail = tail[tail.length - 1]!;
    for (const item of detached) {
      let node = item.parent;
      for (let i = 0; i < tail.length - 1; i++) node = this.childForWriting(node, tail[i]!);
      this.attach(node, lastTail.label, item.value);
    }
  }

  /** `del`: `*` matches every child at any depth, the last step included. */
  del(path: FlatmapPath): void {
    this.deleteFrom(this.root, path, 0);
  }

  /**
   * `append`: when src and dst both hold arrays, src's elements are added at
   * the end of dst and src is deleted. With `*` in dst, Lura writes the
   * combined array at dst read literally (creating a `*` child); that is
   * reproduced for a missing literal path only.
   */
  append(src: FlatmapPath, dst: FlatmapPath, dstUsesWildcard: boolean): void {
    const added = this.get(this.root, src, 0);
    if (!Array.isArray(added)) return;
    const existing = this.get(this.root, dst, 0);
    if (!Array.isArray(existing)) return;
    if (dstUsesWildcard) {
      this.writeLiteral(dst, [...existing, ...added]);
    } else {
      // `existing` is the live array at dst; src may be that same array, so read a fixed count.
      const count = added.length;
      for (let i = 0; i < count; i++) this.attach(existing, String(existing.length), added[i]!);
    }
    this.deleteFrom(this.root, src, 0);
  }

  // ---- navigation -------------------------------------------------------

  private candidates(prefix: FlatmapPath, trackPath: boolean): Candidate[] {
    let current: Candidate[] = [{ container: this.root, path: ROOT_PATH }];
    for (const step of prefix) {
      const next: Candidate[] = [];
      for (const { container, path } of current) {
        if (step.wildcard) {
          if (Array.isArray(container)) {
            const labels = this.labels?.get(container);
            for (let i = 0; i < container.length; i++) {
              const child = container[i]!;
              if (isContainer(child)) next.push({ container: child, path: trackPath ? [...path, labels ? labels[i]! : String(i)] : path });
            }
          } else {
            for (const key of Object.keys(container)) {
              const child = container[key]!;
              if (isContainer(child)) next.push({ container: child, path: trackPath ? [...path, key] : path });
            }
          }
        } else {
          const slot = this.slotOf(container, step.label, step.index);
          if (slot === undefined) continue;
          const child = valueAt(container, slot);
          if (isContainer(child)) next.push({ container: child, path: trackPath ? [...path, step.label] : path });
        }
      }
      current = next;
    }
    return current;
  }

  /** Takes the first child labelled `last` out of every candidate, before anything is attached (as Lura does). */
  private detach(prefix: FlatmapPath, last: PathStep, trackPath: boolean): Detached[] {
    const detached: Detached[] = [];
    for (const { container, path } of this.candidates(prefix, trackPath)) {
      const slot = this.slotOf(container, last.label, last.index);
      if (slot === undefined) continue;
      detached.push({ value: this.removeAt(container, slot), parent: container, path });
    }
    return detached;
  }

  /** Lura's Tree.Get: `*` gives an array with one entry per child, a missing path undefined (Go nil). */
  private get(node: JsonValue, path: FlatmapPath, at: number): JsonValue | undefined {
    if (at === path.length) return this.expanded(node);
    if (!isContainer(node) || isEmpty(node)) return undefined;
    const step = path[at]!;
    if (step.wildcard) {
      const results: JsonValue[] = [];
      if (Array.isArray(node)) {
        for (const child of node) results.push(this.get(child, path, at + 1) ?? null);
      } else {
        for (const key of Object.keys(node)) results.push(this.get(node[key]!, path, at + 1) ?? null);
      }
      return results;
    }
    const slot = this.slotOf(node, step.label, step.index);
    return slot === undefined ? undefined : this.get(valueAt(node, slot), path, at + 1);
  }

  private expanded(node: JsonValue): JsonValue {
    if (!isContainer(node) || !isEmpty(node)) return node;
    const value = this.emptyValues?.get(node);
    return value === undefined ? node : value;
  }

  private deleteFrom(node: JsonValue, path: FlatmapPath, at: number): void {
    if (at === path.length || !isContainer(node)) return;
    const step = path[at]!;
    const isLast = at === path.length - 1;
    if (step.wildcard) {
      if (isLast) {
        // Lura leaves a node without children alone: it does not become "emptied".
        if (!isEmpty(node)) this.clear(node);
      } else if (Array.isArray(node)) {
        for (const child of node) this.deleteFrom(child, path, at + 1);
      } else {
        for (const key of Object.keys(node)) this.deleteFrom(node[key]!, path, at + 1);
      }
      return;
    }
    const slot = this.slotOf(node, step.label, step.index);
    if (slot === undefined) return;
    if (isLast) this.removeAt(node, slot);
    else this.deleteFrom(valueAt(node, slot), path, at + 1);
  }

  /** Lura's Tree.Add along a literal path: missing steps are created, and the last one is set. */
  private writeLiteral(path: FlatmapPath, value: JsonValue): void {
    let node: Container = this.root;
    for (let i = 0; i < path.length - 1; i++) node = this.childForWriting(node, literal(path[i]!));
    const last = literal(path[path.length - 1]!);
    const slot = this.slotOf(node, last.label, last.index);
    if (slot === undefined) this.attach(node, last.label, value);
    else setAt(node, slot, value);
  }

  /** The child labelled `step` as a container to write into: created if missing, a scalar turned into an object. */
  private childForWriting(node: Container, step: PathStep): Container {
    const slot = this.slotOf(node, step.label, step.index);
    if (slot !== undefined) return this.containerAt(node, slot);
    const created: JsonObject = {};
    this.emptyValueMap().set(created, null); // a node Lura creates has no value of its own
    this.attach(node, step.label, created);
    return created;
  }

  // ---- children ---------------------------------------------------------

  private slotOf(container: Container, label: string, index: number): Slot | undefined {
    if (!Array.isArray(container)) return hasOwn(container, label) ? label : undefined;
    const labels = this.labels?.get(container);
    if (labels) {
      const position = labels.indexOf(label);
      return position < 0 ? undefined : position;
    }
    return index >= 0 && index < container.length ? index : undefined;
  }

  private explicitLabels(array: JsonValue[]): string[] {
    let labels = this.labels?.get(array);
    if (!labels) {
      labels = array.map((_, i) => String(i));
      (this.labels ??= new Map()).set(array, labels);
    }
    return labels;
  }

  private emptyValueMap(): Map<Container, JsonValue> {
    return (this.emptyValues ??= new Map());
  }

  /** The child at `slot` as a container; a scalar there becomes an object that remembers it. */
  private containerAt(holder: Container, slot: Slot): Container {
    const value = valueAt(holder, slot);
    if (isContainer(value)) return value;
    const replacement: JsonObject = {};
    this.emptyValueMap().set(replacement, value);
    setAt(holder, slot, replacement);
    return replacement;
  }

  private attach(container: Container, label: string, value: JsonValue): void {
    if (isEmpty(container)) {
      // Receiving a child: a container Lura built empty keeps itself as its value.
      const emptyValues = this.emptyValueMap();
      if (!emptyValues.has(container)) emptyValues.set(container, container);
    }
    if (!Array.isArray(container)) {
      setOwn(container, label, value);
    } else if (!this.labels?.has(container) && label === String(container.length)) {
      container.push(value);
    } else {
      this.explicitLabels(container).push(label);
      container.push(value);
    }
  }

  private removeAt(container: Container, slot: Slot): JsonValue {
    const value = valueAt(container, slot);
    let nowEmpty: boolean;
    if (!Array.isArray(container)) {
      // Probed before the delete: V8 enumerates a fast-mode object much faster than the dictionary it becomes.
      nowEmpty = !hasOtherKey(container, slot as string);
      delete container[slot as string];
    } else {
      const position = slot as number;
      const labels = this.labels?.get(container);
      if (labels) {
        labels.splice(position, 1);
        container.splice(position, 1);
      } else if (position === container.length - 1) {
        container.pop();
      } else {
        this.explicitLabels(container).splice(position, 1);
        container.splice(position, 1);
      }
      nowEmpty = container.length === 0;
    }
    if (nowEmpty) this.emptied(container);
    return value;
  }

  private clear(container: Container): void {
    if (Array.isArray(container)) {
      container.length = 0;
      this.labels?.delete(container);
    } else {
      for (const key of Object.keys(container)) delete container[key];
    }
    this.emptied(container);
  }

  private emptied(container: Container): void {
    const emptyValues = this.emptyValueMap();
    let value = emptyValues.get(container);
    if (value === undefined) {
      // It had members when the tree was built, so Lura's node has no value: null.
      value = null;
      emptyValues.set(container, value);
    }
    if (value !== container) this.needsFixup = true;
  }

  private replaceEmptied(container: Container): void {
    const emptyValues = this.emptyValues!;
    const visit = (slot: Slot, child: JsonValue): void => {
      if (!isContainer(child)) return;
      if (!isEmpty(child)) {
        this.replaceEmptied(child);
        return;
      }
      const value = emptyValues.get(child);
      if (value !== undefined && value !== child) setAt(container, slot, value);
    };
    if (Array.isArray(container)) {
      for (let i = 0; i < container.length; i++) visit(i, container[i]!);
    } else {
      for (const key of Object.keys(container)) visit(key, container[key]!);
    }
  }
}

/** The step with `*` read as a plain label, as Lura's Tree.Add reads it. */
function literal(step: PathStep): PathStep {
  return step.wildcard ? { label: step.label, index: -1, wildcard: false } : step;
}
