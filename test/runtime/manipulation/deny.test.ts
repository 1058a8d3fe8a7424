import { describe, expect, it } from 'vitest';
import { compileDeny } from '../../../runtime/core/manipulation/deny.js';

describe('compileDeny', () => {
  it('deletes top-level keys', () => {
    expect(compileDeny(['message', 'nope'])({ message: 'm', a: 1 })).toEqual({ a: 1 });
  });

  it('deletes nested leaves at any depth and keeps their siblings', () => {
    expect(compileDeny(['a.b.c'])({ a: { b: { c: 1, d: 2 }, e: 3 } })).toEqual({ a: { b: { d: 2 }, e: 3 } });
    expect(compileDeny(['a.b', 'a.c'])({ a: { b: 1, c: 2, d: 3 } })).toEqual({ a: { d: 3 } });
  });

  it('leaves an emptied parent as {} (no pruning)', () => {
    expect(compileDeny(['a.b'])({ a: { b: 1 } })).toEqual({ a: {} });
  });

  it('does not descend into arrays or scalars', () => {
    const data = { items: [{ id: 1 }], s: 'x' };
    expect(compileDeny(['items.id', 's.length', 'items.0'])(data)).toEqual({ items: [{ id: 1 }], s: 'x' });
  });

  it('ignores missing steps', () => {
    expect(compileDeny(['x.y.z', 'a.x'])({ a: { b: 1 } })).toEqual({ a: { b: 1 } });
  });

  it('lets a shorter path win over a longer one under it, in either order', () => {
    expect(compileDeny(['a', 'a.b'])({ a: { b: 1, c: 2 }, d: 1 })).toEqual({ d: 1 });
    expect(compileDeny(['a.b', 'a'])({ a: { b: 1, c: 2 }, d: 1 })).toEqual({ d: 1 });
  });

  it('changes the data in place', () => {
    const data = { a: 1, b: 2 };
    expect(compileDeny(['a'])(data)).toBe(data);
    expect(data).toEqual({ b: 2 });
  });
});
