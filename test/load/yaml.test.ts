import { describe, expect, it } from 'vitest';
import { loadText } from '../../cli/load/load-file.js';

const load = (text: string) => loadText('r.yaml', text, 'yaml');

describe('YAML loader', () => {
  it('maps pointers to positions', () => {
    const r = load('routes:\n  hanzo.app:\n    - prefix: /api/\n      backend: http://x:80\n');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.doc.sourceMap.keyRange('/routes/hanzo.app').start).toMatchObject({ line: 2, column: 3 });
    expect(r.doc.sourceMap.valueRange('/routes/hanzo.app/0/backend').start).toMatchObject({ line: 4, column: 16 });
    expect(r.doc.value).toEqual({ routes: { 'hanzo.app': [{ prefix: '/api/', backend: 'http://x:80' }] } });
  });

  it('rejects tabs used for indentation', () => {
    const r = load('routes:\n\thost: x\n');
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]!.ruleId).toBe('yaml-syntax');
    expect(r.diagnostics[0]!.range.start.line).toBe(2);
  });

  it('rejects duplicate keys', () => {
    const r = load('redirects:\n  a.com: https://b.com\n  a.com: https://c.com\n');
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]!.ruleId).toBe('duplicate-key');
    expect(r.diagnostics[0]!.range.start.line).toBe(3);
  });
});
