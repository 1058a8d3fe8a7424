import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULE_REGISTRY } from '../../cli/diagnostics/rules.js';
import { renderRulesMarkdown } from '../../cli/diagnostics/rules-doc.js';
import { ROOT } from '../helpers/cli.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('rule registry', () => {
  const ids = Object.keys(RULE_REGISTRY);

  it('has stable kebab-case ids with a severity, a stage and a sentence of doc', () => {
    expect(ids.length).toBeGreaterThan(40);
    for (const id of ids) {
      const r = RULE_REGISTRY[id as keyof typeof RULE_REGISTRY];
      expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(['error', 'warning', 'info']).toContain(r.severity);
      expect(r.doc.length).toBeGreaterThan(20);
      expect(r.doc.trim()).toMatch(/[.)]$/);
    }
  });

  it('has no dead rules: every id is reported somewhere in cli/', () => {
    const text = sources(join(ROOT, 'cli'))
      .filter((f) => !f.endsWith('rules.ts'))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    for (const id of ids) expect(text, `rule ${id} is never reported`).toContain(`'${id}'`);
  });

  it('is documented in docs/rules.md (regenerate with `hgw rules --markdown > docs/rules.md`)', () => {
    expect(readFileSync(join(ROOT, 'docs/rules.md'), 'utf8')).toBe(renderRulesMarkdown());
  });
});
