import { describe, expect, it } from 'vitest';
import { loadText } from '../../cli/load/load-file.js';

const load = (text: string) => loadText('cfg.json', Buffer.from(text, 'utf8'), 'json');

describe('JSON loader', () => {
  it('maps pointers to key and value positions', () => {
    const r = load('{\n  "version": 3,\n  "endpoints": [\n    {"endpoint": "/a/{id}"}\n  ]\n}');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const sm = r.doc.sourceMap;
    expect(sm.keyRange('/version').start).toMatchObject({ line: 2, column: 3 });
    expect(sm.valueRange('/version').start).toMatchObject({ line: 2, column: 14 });
    expect(sm.keyRange('/endpoints/0/endpoint').start).toMatchObject({ line: 4, column: 6 });
    expect(sm.valueRange('/endpoints/0/endpoint').start).toMatchObject({ line: 4, column: 18 });
    // A pointer that does not exist falls back to its nearest ancestor.
    expect(sm.keyRange('/endpoints/0/backend').start).toMatchObject({ line: 4, column: 5 });
    expect(r.doc.value).toEqual({ version: 3, endpoints: [{ endpoint: '/a/{id}' }] });
  });

  it('escapes "/" and "~" in pointers', () => {
    const r = load('{"extra_config": {"auth/validator": {"a~b": 1}}}');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.doc.sourceMap.get('/extra_config/auth~1validator/a~0b')).toBeDefined();
  });

  it('keeps __proto__ as plain data', () => {
    const r = load('{"__proto__": {"polluted": true}}');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(Object.keys(r.doc.value as object)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reports duplicate keys at the second occurrence with the first as related', () => {
    const r = load('{\n  "port": 1,\n  "port": 2\n}');
    expect(r.ok).toBe(false);
    const d = r.diagnostics[0]!;
    expect(d.ruleId).toBe('duplicate-key');
    expect(d.range.start).toMatchObject({ line: 3, column: 3 });
    expect(d.related?.[0]?.range.start).toMatchObject({ line: 2, column: 3 });
  });

  it.each([
    ['truncated', '{"version": 3, "endpoints": [', 'json-syntax', 1],
    ['trailing comma', '{"a": 1,\n}', 'json-syntax', 2],
    ['raw tab in a string', '{"name": "a\tb"}', 'json-syntax', 1],
    ['empty', '   \n', 'input-empty', 1],
    ['BOM', '\uFEFF{"version": 3}', 'input-bom', 1],
  ])('rejects %s with a positioned %s', (_name, text, rule, line) => {
    const r = load(text);
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]!.ruleId).toBe(rule);
    expect(r.diagnostics[0]!.range.start.line).toBe(line);
  });

  it('rejects binary input', () => {
    const r = loadText('x.json', Uint8Array.from([0x7b, 0x00, 0xff, 0xfe]), 'json');
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]!.ruleId).toBe('input-not-text');
  });
});

describe('nesting limit', () => {
  it('refuses input nested deeper than 200 levels, at the bracket that crosses the line', () => {
    const deep = `{"version": 3, "x": ${'['.repeat(5000)}${']'.repeat(5000)}}`;
    const r = loadText('deep.json', deep, 'json');
    expect(r.ok).toBe(false);
    // The outer "{" is level 1, so the 200th "[" is the 201st level.
    expect(r.diagnostics[0]).toMatchObject({ ruleId: 'nesting-too-deep', range: { start: { line: 1, column: 21 + 199 } } });
  });
  it('ignores brackets inside strings and accepts ordinary depth', () => {
    expect(loadText('s.json', `{"a": "${'['.repeat(500)}"}`, 'json').ok).toBe(true);
    expect(loadText('d.json', `${'['.repeat(150)}${']'.repeat(150)}`, 'json').ok).toBe(true);
  });
});
