import { describe, expect, it } from 'vitest';
import { compileTarget } from '../../../runtime/core/manipulation/target.js';

describe('compileTarget', () => {
  it('walks a dot path and returns the object found there', () => {
    const data = { data: { user: { id: 1, name: 'x' } }, meta: 1 };
    expect(compileTarget('data.user')(data)).toEqual({ id: 1, name: 'x' });
    expect(compileTarget('data')(data)).toEqual({ user: { id: 1, name: 'x' } });
  });

  it('gives {} for a missing key at any step', () => {
    expect(compileTarget('nope')({ a: {} })).toEqual({});
    expect(compileTarget('a.nope.b')({ a: { b: {} } })).toEqual({});
  });

  it('gives {} when a step or the end is not an object: array, scalar, null', () => {
    expect(compileTarget('collection')({ collection: [{ i: 0 }] })).toEqual({});
    expect(compileTarget('a.b')({ a: 'text' })).toEqual({});
    expect(compileTarget('a')({ a: 5 })).toEqual({});
    expect(compileTarget('a')({ a: null })).toEqual({});
  });

  it('ignores inherited properties', () => {
    expect(compileTarget('constructor')({})).toEqual({});
    expect(compileTarget('__proto__')({})).toEqual({});
  });

  it('is the identity for an empty path, as Lura skips target ""', () => {
    const data = { a: 1 };
    expect(compileTarget('')(data)).toBe(data);
  });

  it('returns a fresh {} on every miss, so later in-place steps cannot leak between requests', () => {
    const target = compileTarget('missing');
    const first = target({});
    first.polluted = true;
    expect(target({})).toEqual({});
  });
});
