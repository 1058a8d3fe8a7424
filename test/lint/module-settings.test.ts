import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../cli/diagnostics/diagnostic.js';
import { base, checkGateway, planOf } from '../helpers/check.js';

/**
 * Module settings are parsed when the Plan is built (issue 17 point 2): what a
 * module's parser finds wrong is a `check` diagnostic at its file position, and
 * the Plan carries the parsed settings with defaults filled in.
 */
function settingsFindings(config: unknown): Diagnostic[] {
  return checkGateway(config, 'krakend').filter((d) => d.ruleId === 'module-settings');
}

/** 1-based line and column of the first `"key"` after `after` in the 2-space JSON checkGateway loads. */
function positionOf(config: unknown, key: string, after = ''): { line: number; column: number } {
  const text = JSON.stringify(config, null, 2);
  const offset = text.indexOf(`"${key}"`, after ? text.indexOf(`"${after}"`) : 0);
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

function at(d: Diagnostic): { line: number; column: number } {
  return { line: d.range.start.line, column: d.range.start.column };
}

describe('module-settings: security/cors', () => {
  const config = base([{ endpoint: '/a', backend: [{ url_pattern: '/a' }] }], {
    extra_config: { 'security/cors': { allow_origins: ['https://*.a.*.test'], options_success_status: 42 } },
  });

  it('reports a status out of range and a two-star origin at their positions, as warnings', () => {
    const found = settingsFindings(config);
    expect(found.map((d) => [d.pointer, d.severity])).toEqual([
      ['/extra_config/security~1cors/options_success_status', 'warning'],
      ['/extra_config/security~1cors/allow_origins/0', 'warning'],
    ]);
    expect(at(found[0]!)).toEqual(positionOf(config, 'options_success_status'));
    expect(found[0]!.message).toMatch(/options_success_status 42 is not an HTTP status: preflights are answered 204/);
    expect(found[0]!.hint).toMatch(/100 to 999/);
  });

  it('puts the parsed settings, defaults filled in, on the Plan', () => {
    expect(planOf(config).service.settings['security/cors']).toMatchObject({ allowOrigins: ['https://*.a.*.test'], allowMethods: ['GET', 'POST', 'HEAD'], optionsSuccessStatus: 204, maxAgeSeconds: 0 });
  });
});
