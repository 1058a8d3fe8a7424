import { describe, expect, it } from 'vitest';
import { compileAllow } from '../../../runtime/core/manipulation/allow.js';
import { JsonNumber } from '../../../runtime/shared/json/json-number.js';

describe('compileAllow', () => {
  it('keeps top-level keys', () => {
    expect(compileAllow(['foo'])({ foo: 42, path: '/x', headers: { A: ['b'] } })).toEqual({ foo: 42 });
  });

  it('keeps nested leaves and prunes siblings', () => {
    const data = { a: { b: 1, c: 2 }, d: 3 };
    expect(compileAllow(['a.b'])(data)).toEqual({ a: { b: 1 } });
  });

  it('prunes branches left without any allowed key, up to the root', () => {
    expect(compileAllow(['a.b', 'd'])({ a: { c: 2 }, d: 3 })).toEqual({ d: 3 });
    expect(compileAllow(['a.b.c'])({ a: { b: { x: 1 } }, y: 2 })).toEqual({});
    expect(compileAllow(['a.b'])({ a: {} })).toEqual({});
  });

  it('does not descend into arrays: an array under a path prefix is dropped', () => {
    const data = { items: [{ id: 1, name: 'n' }], x: 1 };
    expect(compileAllow(['items.id', 'x'])(data)).toEqual({ x: 1 });
  });

  it('keeps an array whole when the path ends at it', () => {
    expect(compileAllow(['items'])({ items: [{ id: 1, name: 'n' }], x: 1 })).toEqual({ items: [{ id: 1, name: 'n' }] });
  });

  it('drops a scalar or null found where the path expects an object', () => {
    expect(compileAllow(['a.b'])({ a: 5 })).toEqual({});
    expect(compileAllow(['a.b'])({ a: null })).toEqual({});
  });

  it('keeps leaves of any type, including null, {} and exact numbers', () => {
    const big = new JsonNumber('9007199254740993');
    expect(compileAllow(['a', 'b', 'c', 'd'])({ a: null, b: {}, c: big, d: false, e: 1 })).toEqual({ a: null, b: {}, c: big, d: false });
  });

  it('reads the list in order, as Lura builds its dictionary', () => {
    const data = { a: { b: 1, c: 2 } };
    expect(compileAllow(['a', 'a.b'])(data)).toEqual({ a: { b: 1 } });
    expect(compileAllow(['a.b', 'a'])(data)).toEqual({ a: { b: 1, c: 2 } });
  });

  it('merges several paths under one branch', () => {
    const data = { a: { b: { x: 1, y: 2, z: 3 }, c: 4, d: 5 } };
    expect(compileAllow(['a.b.x', 'a.c', 'a.b.z'])(data)).toEqual({ a: { b: { x: 1, z: 3 }, c: 4 } });
  });

  it('treats __proto__ and constructor as ordinary keys', () => {
    expect(compileAllow(['constructor', 'toString'])({})).toEqual({});
    const data = JSON.parse('{"__proto__": {"x": 1}, "y": 2}');
    const kept = compileAllow(['__proto__'])(data);
    expect(Object.keys(kept)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(kept)).toBe(Object.prototype);
  });
});
