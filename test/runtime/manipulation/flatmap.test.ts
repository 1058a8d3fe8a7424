import { describe, expect, it } from 'vitest';
import { compileFlatmap } from '../../../runtime/core/manipulation/flatmap.js';
import type { FlatmapOp } from '../../../runtime/plan/plan.js';
import type { JsonObject } from '../../../runtime/shared/json/json-number.js';

const move = (src: string, dst: string): FlatmapOp => ({ type: 'move', args: [src, dst] });
const del = (...paths: string[]): FlatmapOp => ({ type: 'del', args: paths });
const append = (src: string, dst: string): FlatmapOp => ({ type: 'append', args: [src, dst] });

function run(data: JsonObject, ...ops: FlatmapOp[]): JsonObject | null {
  return compileFlatmap(ops)(data);
}

describe('compileFlatmap: move', () => {
  it('renames in place when src and dst have the same length', () => {
    expect(run({ a: 1, b: 2 }, move('a', 'c'))).toEqual({ c: 1, b: 2 });
    expect(run({ a: { b: 1, k: 0 } }, move('a.b', 'a.c'))).toEqual({ a: { c: 1, k: 0 } });
  });

  it('uses only the last label of a same-length dst (Lura relabels, it does not move)', () => {
    expect(run({ a: { b: 1 } }, move('a.b', 'x.c'))).toEqual({ a: { c: 1 } });
  });

  it('renames through * over array elements and over object values', () => {
    expect(run({ list: [{ old: 1 }, { old: 2 }, { other: 3 }] }, move('list.*.old', 'list.*.new'))).toEqual({
      list: [{ new: 1 }, { new: 2 }, { other: 3 }],
    });
    expect(run({ m: { x: { old: 1 }, y: { old: 2 } } }, move('m.*.old', 'm.*.new'))).toEqual({ m: { x: { new: 1 }, y: { new: 2 } } });
  });

  it('addresses array elements by number', () => {
    expect(run({ a: [{ x: 1 }, { x: 2 }] }, move('a.1.x', 'a.1.y'))).toEqual({ a: [{ x: 1 }, { y: 2 }] });
    expect(run({ a: [{ x: 1 }] }, move('a.01.x', 'a.01.y'), move('a.5.x', 'a.5.y'))).toEqual({ a: [{ x: 1 }] });
  });

  it('promotes to a shorter dst, attaching under the dst prefix from the root', () => {
    expect(run({ a: { b: { c: 1, d: 2 } } }, move('a.b.c', 'c'))).toEqual({ a: { b: { d: 2 } }, c: 1 });
    expect(run({ a: { b: { c: 1, d: 2 } }, x: { k: 0 } }, move('a.b.c', 'x.c'))).toEqual({ a: { b: { d: 2 } }, x: { k: 0, c: 1 } });
  });

  it('promotes to the deepest existing node when the dst prefix is missing', () => {
    expect(run({ a: { b: { c: 1, d: 2 } } }, move('a.b.c', 'x.y'))).toEqual({ a: { b: { d: 2 } }, y: 1 });
  });

  it('promotes with * in dst repeating the label src matched at that depth', () => {
    const data = { users: [{ profile: { name: 'a', age: 1 } }, { profile: { name: 'b', age: 2 } }] };
    expect(run(data, move('users.*.profile.name', 'users.*.name'))).toEqual({
      users: [
        { profile: { age: 1 }, name: 'a' },
        { profile: { age: 2 }, name: 'b' },
      ],
    });
  });

  it('writes an object emptied by a move as null (a Lura tree node without value)', () => {
    const data = { users: [{ profile: { name: 'a' } }, { profile: { name: 'b' } }] };
    expect(run(data, move('users.*.profile.name', 'users.*.name'))).toEqual({
      users: [
        { profile: null, name: 'a' },
        { profile: null, name: 'b' },
      ],
    });
  });

  it('embeds into a longer dst, creating intermediate objects', () => {
    expect(run({ a: 1 }, move('a', 'b.c'))).toEqual({ b: { c: 1 } });
    expect(run({ a: 1, b: { d: 2 } }, move('a', 'b.c'))).toEqual({ b: { d: 2, c: 1 } });
    expect(run({ a: { x: 1 } }, move('a', 'a.b'))).toEqual({ a: { b: { x: 1 } } });
  });

  it('embeds relative to the node the value was taken from (the dst prefix is not read)', () => {
    expect(run({ x: { a: 1, k: 0 } }, move('x.a', 'y.b.c'))).toEqual({ x: { k: 0, b: { c: 1 } } });
  });

  it('turns a scalar that receives a child into an object, and back when it loses it', () => {
    expect(run({ a: 1, s: 'str' }, move('a', 's.c'))).toEqual({ s: { c: 1 } });
    expect(run({ a: 1, s: 'str' }, move('a', 's.c'), move('s.c', 'z'))).toEqual({ s: 'str', z: 1 });
  });

  it('moves array elements out, keeping the labels of those left', () => {
    const data = { a: [{ id: 1 }, { id: 2 }, { id: 3 }] };
    expect(run(data, move('a.0', 'first'), move('a.2', 'third'))).toEqual({ a: [{ id: 2 }], first: { id: 1 }, third: { id: 3 } });
  });

  it('writes an array emptied by moves as null', () => {
    expect(run({ a: [{ id: 1 }] }, move('a.0', 'first'))).toEqual({ a: null, first: { id: 1 } });
  });

  it('appends a value moved into an array as a new element', () => {
    expect(run({ x: 9, arr: [1] }, move('x', 'arr.y'))).toEqual({ arr: [1, 9] });
  });

  it('renaming an array element changes its label, not its position', () => {
    expect(run({ a: [1, 2] }, move('a.0', 'a.5'))).toEqual({ a: [1, 2] });
    expect(run({ a: [1, 2] }, move('a.0', 'a.5'), del('a.5'))).toEqual({ a: [2] });
  });

  it('matches a * at the end of src literally, as Lura compares the last label', () => {
    expect(run({ a: { x: 1, '*': 2 } }, move('a.*', 'a.y'))).toEqual({ a: { x: 1, y: 2 } });
  });

  it('ignores a src that does not exist', () => {
    expect(run({ a: 1 }, move('nope', 'x'), move('a.b', 'c'), move('a.b.c', 'd'))).toEqual({ a: 1 });
  });
});

describe('compileFlatmap: del', () => {
  it('removes only the last step of the path', () => {
    expect(run({ a: { b: { c: 1, d: 2 } } }, del('a.b.c'))).toEqual({ a: { b: { d: 2 } } });
  });

  it('takes several paths in one operation', () => {
    expect(run({ a: 1, b: 2, c: 3 }, del('a', 'c'))).toEqual({ b: 2 });
  });

  it('removes a field from every element through *', () => {
    expect(run({ list: [{ i: 0, p: 'x' }, { i: 1, p: 'y' }] }, del('list.*.i'))).toEqual({ list: [{ p: 'x' }, { p: 'y' }] });
    expect(run({ m: { x: { id: 1, v: 1 }, y: { id: 2, v: 2 } } }, del('m.*.id'))).toEqual({ m: { x: { v: 1 }, y: { v: 2 } } });
  });

  it('writes an emptied object or array as null, an originally empty one as itself', () => {
    expect(run({ a: { b: 1 }, k: 1 }, del('a.b'))).toEqual({ a: null, k: 1 });
    expect(run({ a: [1, 2], k: 1 }, del('a.*'))).toEqual({ a: null, k: 1 });
    expect(run({ a: {}, b: [], k: 1 }, del('a.x', 'b.0', 'b.*'))).toEqual({ a: {}, b: [], k: 1 });
  });

  it('keeps array labels stable across deletions', () => {
    expect(run({ a: [10, 20, 30] }, del('a.0'), del('a.2'))).toEqual({ a: [20] });
    expect(run({ a: [10, 20, 30] }, del('a.0', 'a.0'))).toEqual({ a: [20, 30] });
    expect(run({ a: [10, 20, 30] }, del('a.2', 'a.1'))).toEqual({ a: [10] });
  });

  it('gives null when every top-level key is removed (Lura ends with a nil map)', () => {
    expect(run({ a: 1, b: 2 }, del('*'))).toBeNull();
    expect(run({ a: 1 }, del('a'))).toBeNull();
    expect(run({}, del('a'))).toEqual({});
  });

  it('ignores paths through scalars and missing keys', () => {
    expect(run({ a: 's', b: [1] }, del('a.x', 'b.x', 'c', 'b.3'))).toEqual({ a: 's', b: [1] });
  });
});

describe('compileFlatmap: append', () => {
  it('concatenates the src array onto the dst array and deletes src', () => {
    expect(run({ a: [1, 2], b: [3] }, append('a', 'b'))).toEqual({ b: [3, 1, 2] });
    expect(run({ a: [], b: [1] }, append('a', 'b'))).toEqual({ b: [1] });
    expect(run({ a: [{ x: 1 }], b: [] }, append('a', 'b'))).toEqual({ b: [{ x: 1 }] });
  });

  it('does nothing unless both src and dst hold arrays', () => {
    expect(run({ a: { x: 1 }, b: [3] }, append('a', 'b'))).toEqual({ a: { x: 1 }, b: [3] });
    expect(run({ a: [1], b: 'x' }, append('a', 'b'))).toEqual({ a: [1], b: 'x' });
    expect(run({ a: [1] }, append('a', 'b'))).toEqual({ a: [1] });
  });

  it('collects src through * and deletes each match', () => {
    const data = { items: [{ tags: ['x'], id: 1 }, { tags: ['y', 'z'], id: 2 }], all: [] };
    expect(run(data, append('items.*.tags', 'all'))).toEqual({ items: [{ id: 1 }, { id: 2 }], all: [['x'], ['y', 'z']] });
  });

  it('appends nested arrays addressed by path', () => {
    expect(run({ x: { list: [1] }, y: { list: [2] } }, append('y.list', 'x.list'))).toEqual({ x: { list: [1, 2] }, y: null });
  });

  it('appending an array onto itself and then deleting it leaves nothing', () => {
    expect(run({ a: [1], k: 0 }, append('a', 'a'))).toEqual({ k: 0 });
  });
});

describe('compileFlatmap: as a whole', () => {
  it('runs operations in order and ignores unknown types and short argument lists', () => {
    const ops: FlatmapOp[] = [
      { type: 'nope' as FlatmapOp['type'], args: ['a', 'b'] },
      { type: 'move', args: ['a'] },
      { type: 'append', args: [] },
      move('a', 'b'),
      move('b', 'c'),
    ];
    expect(compileFlatmap(ops)({ a: 1 })).toEqual({ c: 1 });
  });

  it('reproduces flatmap_1: move collection→paths, del paths.*.i, move paths.*.path→paths.*.url', () => {
    const collection = Array.from({ length: 3 }, (_, i) => ({ i, path: '/collection/2' }));
    const out = run({ collection }, move('collection', 'paths'), del('paths.*.i'), move('paths.*.path', 'paths.*.url'));
    expect(out).toEqual({ paths: [{ url: '/collection/2' }, { url: '/collection/2' }, { url: '/collection/2' }] });
  });

  it('never changes the config and gives the same result on every request', () => {
    const ops = Object.freeze([Object.freeze(move('a.0', 'first')), Object.freeze(del('a.*.x')), Object.freeze(append('b', 'c'))]) as FlatmapOp[];
    const flatmap = compileFlatmap(ops);
    const fresh = (): JsonObject => ({ a: [{ x: 1 }, { x: 2, y: 2 }], b: [1], c: [0] });
    const first = flatmap(fresh());
    expect(first).toEqual({ a: [{ y: 2 }], first: { x: 1 }, c: [0, 1] });
    expect(flatmap(fresh())).toEqual(first);
  });

  it('keeps __proto__ an own key when renaming onto it', () => {
    const out = run({ a: 1 }, move('a', '__proto__'))!;
    expect(Object.keys(out)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });
});
