import { describe, expect, it } from 'vitest';
import { compileGroup, wrapInGroup } from '../../../runtime/core/manipulation/group.js';

describe('compileGroup', () => {
  it('wraps the data under the group name, even when empty', () => {
    expect(compileGroup('backend1')({ a: 1 })).toEqual({ backend1: { a: 1 } });
    expect(compileGroup('g')({})).toEqual({ g: {} });
  });

  it('does not split the name on dots', () => {
    expect(compileGroup('a.b')({ x: 1 })).toEqual({ 'a.b': { x: 1 } });
  });

  it('is the identity for an empty name, as Lura skips group ""', () => {
    const data = { a: 1 };
    expect(compileGroup('')(data)).toBe(data);
  });

  it('keeps __proto__ an own key and can wrap null', () => {
    const wrapped = compileGroup('__proto__')({ a: 1 });
    expect(Object.keys(wrapped)).toEqual(['__proto__']);
    expect(wrapInGroup('g', null)).toEqual({ g: null });
  });
});
