import { describe, expect, it } from 'vitest';
import { compareVersions, parseVersion, satisfiesRange } from '../../../runtime/plugins/semver-range.js';

describe('plugin hgw ranges: the npm semver subset', () => {
  const cases: Array<[string, string, boolean]> = [
    // comparators, partial versions filled as npm does
    ['0.1.0', '>=0.1 <1', true],
    ['0.9.9', '>=0.1 <1', true],
    ['1.0.0', '>=0.1 <1', false],
    ['0.0.9', '>=0.1 <1', false],
    ['0.1.0', '>= 0.1  < 1', true],
    ['2.0.0', '>1', true],
    ['1.9.0', '>1', false],
    ['1.3.0', '>1.2', true],
    ['1.2.9', '>1.2', false],
    ['1.2.4', '>1.2.3', true],
    ['1.2.9', '<=1.2', true],
    ['1.3.0', '<=1.2', false],
    ['1.2.3', '<=1.2.3', true],
    ['1.2.3', '=1.2.3', true],
    ['1.2.4', '1.2.3', false],
    ['v1.2.3', '1.2.3', true],
    // caret
    ['0.1.5', '^0.1.0', true],
    ['0.2.0', '^0.1.0', false],
    ['0.0.3', '^0.0.3', true],
    ['0.0.4', '^0.0.3', false],
    ['1.9.0', '^1.2', true],
    ['2.0.0', '^1.2', false],
    ['0.9.0', '^0', true],
    ['1.0.0', '^0', false],
    ['0.0.9', '^0.0', true],
    ['0.1.0', '^0.0', false],
    // tilde
    ['0.1.9', '~0.1', true],
    ['0.2.0', '~0.1', false],
    ['1.2.9', '~1.2.3', true],
    ['1.2.2', '~1.2.3', false],
    ['1.9.0', '~1', true],
    ['1.2.5', '~>1.2.3', true],
    // x-ranges
    ['0.1.0', '0.x', true],
    ['1.0.0', '0.x', false],
    ['0.1.7', '0.1.*', true],
    ['0.2.0', '0.1.X', false],
    ['5.6.7', '*', true],
    ['5.6.7', '', true],
    ['5.6.7', 'x', true],
    ['0.1.0', '0.1', true],
    ['0.2.0', '0.1', false],
    // hyphen ranges and alternatives
    ['0.2.5', '0.1 - 0.3', true],
    ['0.3.9', '0.1 - 0.3', true],
    ['0.4.0', '0.1 - 0.3', false],
    ['1.2.3', '1.2.3 - 2.3.4', true],
    ['2.3.5', '1.2.3 - 2.3.4', false],
    ['3.1.0', '^1.0 || ^3.0', true],
    ['2.1.0', '^1.0 || ^3.0', false],
    ['0.1.0', '<0.0.0 || >=0.1', true],
    // prereleases only match a set that names one of the same version
    ['1.0.0-rc.1', '>=0.1', false],
    ['1.0.0-rc.2', '>=1.0.0-rc.1', true],
    ['1.0.0-rc.2', '>=1.0.0-rc.3', false],
    ['1.0.0', '>=1.0.0-rc.1', true],
  ];
  for (const [version, range, want] of cases) {
    it(`${version} ${want ? 'satisfies' : 'does not satisfy'} ${JSON.stringify(range)}`, () => {
      expect(satisfiesRange(version, range)).toBe(want);
    });
  }

  it('an invalid range or version is undefined, not false', () => {
    for (const range of ['latest', '>=one', '1.2.3.4', '^^1', '>=1 <', 'hgw@1']) expect(satisfiesRange('0.1.0', range), range).toBeUndefined();
    expect(satisfiesRange('0.1', '*')).toBeUndefined();
  });

  it('orders versions by semver precedence', () => {
    const sorted = ['1.0.0', '1.0.0-rc.1', '1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta.11', '1.0.0-beta.2', '0.9.9']
      .map((s) => parseVersion(s)!)
      .sort(compareVersions)
      .map((v) => `${v.major}.${v.minor}.${v.patch}${v.prerelease.length ? `-${v.prerelease.join('.')}` : ''}`);
    expect(sorted).toEqual(['0.9.9', '1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0']);
  });
});
