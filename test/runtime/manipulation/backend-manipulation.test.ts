import { describe, expect, it } from 'vitest';
import {
  compileBackendManipulation,
  compileEndpointFlatmap,
  hasBackendManipulation,
} from '../../../runtime/core/manipulation/backend-manipulation.js';
import type { FlatmapOp } from '../../../runtime/plan/plan.js';

describe('compileBackendManipulation', () => {
  it('applies target → allow → mapping → group, in that order', () => {
    const manipulate = compileBackendManipulation({ target: 'data', allow: ['a', 'b'], mapping: { a: 'x' }, group: 'g' });
    expect(manipulate({ data: { a: 1, b: 2, c: 3 }, meta: 0 })).toEqual({ g: { x: 1, b: 2 } });
  });

  it('filters before renaming: allow and deny name the backend keys, not the mapped ones', () => {
    expect(compileBackendManipulation({ allow: ['a'], mapping: { a: 'x' } })({ a: 1, x: 2 })).toEqual({ x: 1 });
    expect(compileBackendManipulation({ deny: ['x'], mapping: { a: 'x' } })({ a: 1, x: 2 })).toEqual({ x: 1 });
  });

  it('uses allow and ignores deny when both are set', () => {
    expect(compileBackendManipulation({ allow: ['a'], deny: ['a'] })({ a: 1, b: 2 })).toEqual({ a: 1 });
  });

  it('uses deny when allow is empty', () => {
    expect(compileBackendManipulation({ allow: [], deny: ['a.b'] })({ a: { b: 1, c: 2 } })).toEqual({ a: { c: 2 } });
  });

  it('lets a flatmap_filter replace allow, deny and mapping, keeping target and group', () => {
    const manipulate = compileBackendManipulation({
      target: 'body',
      allow: ['nope'],
      deny: ['a'],
      mapping: { a: 'z' },
      group: 'g',
      flatmapFilter: [{ type: 'move', args: ['a', 'b'] }],
    });
    expect(manipulate({ body: { a: 1, c: 2 } })).toEqual({ g: { b: 1, c: 2 } });
  });

  it('ignores an empty flatmap_filter, as Lura does', () => {
    expect(compileBackendManipulation({ allow: ['a'], flatmapFilter: [] })({ a: 1, b: 2 })).toEqual({ a: 1 });
  });

  it('groups a flatmap result that lost every key as null, and gives {} without a group', () => {
    const ops: FlatmapOp[] = [{ type: 'del', args: ['*'] }];
    expect(compileBackendManipulation({ group: 'g', flatmapFilter: ops })({ a: 1 })).toEqual({ g: null });
    expect(compileBackendManipulation({ flatmapFilter: ops })({ a: 1 })).toEqual({});
  });

  it('addresses an is_collection answer through its `collection` key', () => {
    const data = () => ({ collection: [{ i: 0 }, { i: 1 }] });
    expect(compileBackendManipulation({ mapping: { collection: 'posts' } })(data())).toEqual({ posts: [{ i: 0 }, { i: 1 }] });
    expect(compileBackendManipulation({ allow: ['collection'] })(data())).toEqual(data());
    expect(compileBackendManipulation({ target: 'collection' })(data())).toEqual({});
  });

  it('groups whatever is left, even {}', () => {
    expect(compileBackendManipulation({ target: 'missing', group: 'g' })({ a: 1 })).toEqual({ g: {} });
  });

  it('passes data through untouched when nothing is configured', () => {
    const data = { a: 1 };
    expect(compileBackendManipulation({})(data)).toBe(data);
    expect(hasBackendManipulation({})).toBe(false);
    expect(hasBackendManipulation({ allow: [], deny: [], mapping: {}, flatmapFilter: [] })).toBe(false);
    expect(hasBackendManipulation({ group: 'g' })).toBe(true);
    expect(hasBackendManipulation({ mapping: { a: 'b' } })).toBe(true);
  });
});

describe('compileEndpointFlatmap', () => {
  it('reshapes the merged answer', () => {
    const flatmap = compileEndpointFlatmap([
      { type: 'append', args: ['b1.items', 'b2.items'] },
      { type: 'move', args: ['b2.items', 'items'] },
    ]);
    expect(flatmap({ b1: { items: [1] }, b2: { items: [2] } })).toEqual({ b1: null, b2: null, items: [2, 1] });
  });

  it('is the identity without operations, and gives {} when every key is removed', () => {
    const data = { a: 1 };
    expect(compileEndpointFlatmap([])(data)).toBe(data);
    expect(compileEndpointFlatmap([{ type: 'del', args: ['a'] }])({ a: 1 })).toEqual({});
  });
});
