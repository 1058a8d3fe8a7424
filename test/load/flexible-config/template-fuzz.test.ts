/**
 * Mutated templates never crash the interpreter: every outcome is rendered
 * text or a TemplateError pointing inside the file that raised it (never
 * another exception, which `hgw check` would report as an internal error).
 * Seeded, so a failure replays.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TemplateError } from '../../../cli/load/flexible-config/errors.js';
import { ROOT } from '../../helpers/cli.js';
import { render } from './render-helper.js';

const SEEDS = [
  readFileSync(join(ROOT, 'fixtures/flexible-config/krakend.tmpl'), 'utf8'),
  readFileSync(join(ROOT, 'fixtures/flexible-config/templates/endpoints.tmpl'), 'utf8'),
  '{{define "T"}}{{.}}{{end}}{{range $i, $e := .l}}{{if $i}},{{end}}{{template "T" $e}}{{else}}none{{end}}',
  '{{with $x := .m}}{{$x.a | printf "%05.2f|%q" (index $.l 0)}}{{else if .z}}{{break}}{{end}}{{/* c */}}{{- "t" -}}',
];
const PIECES = ['{{', '}}', '{{-', '-}}', '(', ')', '|', '$', '$x', ':=', '=', '.', '.a.b', '"', '`', "'", '/*', '*/', 'end', 'else', 'if', 'range', 'define', 'template', 'block', 'break', 'nil', '1e999', '-', '0x', '\\', '\n', ' ', 'printf "%*d" 9999999 1', 'until 5', 'index . 1', 'eq . 1.0'];

function xorshift(seed: number): () => number {
  let x = seed || 1;
  return () => ((x ^= x << 13), (x ^= x >>> 17), (x ^= x << 5), (x >>> 0) / 4294967296);
}

function mutate(text: string, r: () => number): string {
  let out = text;
  for (let n = 1 + Math.floor(r() * 4); n > 0; n--) {
    const at = Math.floor(r() * (out.length + 1));
    const cut = Math.floor(r() * 3) === 0 ? Math.floor(r() * 12) : 0;
    out = out.slice(0, at) + (cut > 0 ? '' : PIECES[Math.floor(r() * PIECES.length)]!) + out.slice(at + cut);
  }
  return out;
}

describe('the template interpreter under mutation', () => {
  it('renders or raises a positioned TemplateError, 3000 mutants', () => {
    const data = { service: { port: 8080, default_hosts: ['http://a'] }, endpoint: { groups: [{ endpoint: '/a', backend: '/b' }] }, l: [1, 'x'], m: { a: 2.5 } };
    const r = xorshift(0x5eed);
    let errors = 0;
    for (let i = 0; i < 3000; i++) {
      const text = mutate(SEEDS[i % SEEDS.length]!, r);
      try {
        render(text, data, { partials: { 'service_extra_config.json': '{}', 'rate_limit_backend.json': '{}' }, templates: { 'endpoints.tmpl': SEEDS[1]! }, limit: 1 << 20 });
      } catch (e) {
        if (!(e instanceof TemplateError)) throw new Error(`mutant ${i} raised ${String(e)}:\n${text}`);
        errors++;
        const source = e.file === 't.tmpl' ? text : SEEDS[1]!;
        expect(e.offset, `mutant ${i}: ${e.message}`).toBeGreaterThanOrEqual(0);
        expect(e.offset, `mutant ${i}: ${e.message}`).toBeLessThanOrEqual(source.length);
      }
    }
    // Most mutants break the template; some still render.
    expect(errors).toBeGreaterThan(300);
    expect(errors).toBeLessThan(3000);
  });
});
