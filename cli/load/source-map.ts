import type { Range } from '../diagnostics/diagnostic.js';
import { ZERO_RANGE } from '../diagnostics/diagnostic.js';
import { parentPointer } from './json-pointer.js';

export interface SourceEntry {
  /** Range of the member name, for object members. */
  key?: Range;
  /** Range of the whole value. */
  value: Range;
}

/** JSON pointer → where the key and the value sit in the file. */
export class SourceMap {
  private readonly entries = new Map<string, SourceEntry>();

  set(pointer: string, entry: SourceEntry): void {
    this.entries.set(pointer, entry);
  }

  get(pointer: string): SourceEntry | undefined {
    return this.entries.get(pointer);
  }

  /** Range of the key if there is one (what a reader looks for), else of the value. */
  keyRange(pointer: string): Range {
    const e = this.nearest(pointer);
    return e.key ?? e.value;
  }

  valueRange(pointer: string): Range {
    return this.nearest(pointer).value;
  }

  /** The entry at the pointer or, if that does not exist in the file, at its closest ancestor. */
  private nearest(pointer: string): SourceEntry {
    let p = pointer;
    for (;;) {
      const e = this.entries.get(p);
      if (e) return e;
      if (p === '') return { value: ZERO_RANGE };
      p = parentPointer(p);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
