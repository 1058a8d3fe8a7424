import { describe, expect, it } from 'vitest';
import { compileMapping } from '../../../runtime/core/manipulation/mapping.js';

describe('compileMapping', () => {
  it('renames top-level keys and ignores missing ones', () => {
    expect(compileMapping({ collection: 'posts', nope: 'x' })({ collection: [1, 2], a: 1 })).toEqual({ posts: [1, 2], a: 1 });
  });

  it('cuts the new name at the first dot: renames never nest', () => {
    expect(compileMapping({ a: 'x.y.z' })({ a: 1 })).toEqual({ x: 1 });
  });

  it('does not look into nested objects', () => {
    expect(compileMapping({ b: 'c' })({ a: { b: 1 } })).toEqual({ a: { b: 1 } });
  });

  it('deletes a key mapped to itself, as Lura copies then deletes', () => {
    expect(compileMapping({ a: 'a' })({ a: 1, b: 2 })).toEqual({ b: 2 });
    expect(compileMapping({ a: 'a.b' })({ a: 1, b: 2 })).toEqual({ b: 2 });
  });

  it('overwrites an existing key with the renamed value', () => {
    expect(compileMapping({ a: 'b' })({ a: 1, b: 2 })).toEqual({ b: 1 });
  });

  it('does not read inherited properties or change the config', () => {
    const mapping = Object.freeze({ constructor: 'c', a: 'b' });
    expect(compileMapping(mapping)({ a: 1 })).toEqual({ b: 1 });
    expect(mapping).toEqual({ constructor: 'c', a: 'b' });
  });
});
