import { describe, expect, it } from 'vitest';
import { formatGoDuration, parseGoDuration } from '../../cli/config/duration.js';

describe("Go's time.ParseDuration", () => {
  it.each([
    ['0', 0],
    ['1s', 1000],
    ['1.5s', 1500],
    ['250ms', 250],
    ['1h30m', 5_400_000],
    ['-2m', -120_000],
    ['+3s', 3000],
    ['100us', 0.1],
    ['100µs', 0.1],
    ['1ns', 0.000001],
    ['.5s', 500],
    ['1.s', 1000],
    ['2h45m30.5s', 9_930_500],
  ])('%s = %d ms', (input, ms) => {
    const r = parseGoDuration(input);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.ms).toBeCloseTo(ms, 9);
  });

  it.each(['', '3', '1x', 's', '1.5', '.s', '1h 30m', '--1s', '1e3s', 'ms', '99999999999h'])('rejects %j', (input) => {
    expect(parseGoDuration(input).ok).toBe(false);
  });

  it('names the missing unit as Go does', () => {
    expect(parseGoDuration('3')).toEqual({ ok: false, error: 'time: missing unit in duration "3"' });
  });

  it.each([
    [0, '0s'],
    [1500, '1.5s'],
    [250, '250ms'],
    [5_400_000, '1h30m0s'],
    [-120_000, '-2m0s'],
  ])('formats %d ms as %s', (ms, s) => {
    expect(formatGoDuration(ms)).toBe(s);
  });
});

describe('the schema format for durations', () => {
  it('accepts exactly what the parser accepts (short of overflow)', async () => {
    const { GO_DURATION_SYNTAX } = await import('../../cli/validate/ajv-setup.js');
    const inputs = ['0', '-0', '0s', '1s', '1.5s', '.5s', '1.s', '1h30m', '+3s', '100µs', '100μs', '100us', '1ns', '', '3', '1x', 's', '1.5', '.s', '1h 30m', '--1s', '1e3s', 'ms', '5 s', '1S'];
    for (const s of inputs) expect(GO_DURATION_SYNTAX.test(s), s).toBe(parseGoDuration(s).ok);
  });
});
