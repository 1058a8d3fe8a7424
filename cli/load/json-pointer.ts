/** RFC 6901 JSON pointers: the address every diagnostic and the source map agree on. */
export function escapeSegment(segment: string | number): string {
  return String(segment).replace(/~/g, '~0').replace(/\//g, '~1');
}

export function joinPointer(base: string, segment: string | number): string {
  return `${base}/${escapeSegment(segment)}`;
}

export function splitPointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function parentPointer(pointer: string): string {
  const i = pointer.lastIndexOf('/');
  return i <= 0 ? '' : pointer.slice(0, i);
}

/** Reads the value at a pointer; undefined when any step is missing. */
export function getAtPointer(root: unknown, pointer: string): unknown {
  let cur: unknown = root;
  for (const seg of splitPointer(pointer)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}
