/**
 * The part of npm's semver ranges a plugin's `hgw` field uses: comparators
 * (`>=0.1.0`, `<1`, `>0.2`, `<=1.2`, `=0.1.0`), caret (`^0.1.2`), tilde
 * (`~0.1`), x-ranges (`0.x`, `0.1.*`, `*`, partial versions like `0.1`),
 * hyphen ranges (`0.1 - 0.3`), whitespace for "and" and `||` for "or".
 * A prerelease version (`1.0.0-rc.1`) only satisfies a comparator set that
 * names a prerelease of the same major.minor.patch, as in npm.
 *
 * No semver library is installed in hgw (node_modules has none), and this is
 * small enough not to add one.
 */

export interface Version {
  major: number;
  minor: number;
  patch: number;
  prerelease: Array<string | number>;
}

type Op = '<' | '<=' | '>' | '>=' | '=';

interface Comparator {
  op: Op;
  version: Version;
}

/** One `||` alternative: all comparators must hold; an empty set matches everything. */
type ComparatorSet = Comparator[];

const NUM = '0|[1-9]\\d*';
const PART = `(?:${NUM}|[xX*])`;
const PRE = '[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*';
const PARTIAL = new RegExp(`^v?(${PART})(?:\\.(${PART})(?:\\.(${PART})(?:-(${PRE}))?(?:\\+${PRE})?)?)?$`);
const FULL = new RegExp(`^v?(${NUM})\\.(${NUM})\\.(${NUM})(?:-(${PRE}))?(?:\\+${PRE})?$`);

/** A full version `1.2.3[-pre][+build]`, or undefined. */
export function parseVersion(text: string): Version | undefined {
  const m = FULL.exec(text.trim());
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), prerelease: m[4] ? splitPre(m[4]) : [] };
}

/**
 * Whether `version` satisfies `range`; undefined when `range` (or
 * `version`) is not valid.
 */
export function satisfiesRange(version: string, range: string): boolean | undefined {
  const v = parseVersion(version);
  const sets = parseRange(range);
  if (!v || !sets) return undefined;
  return sets.some((set) => setMatches(set, v));
}

/** The range as comparator sets, or undefined when it is not a valid range. */
export function parseRange(range: string): ComparatorSet[] | undefined {
  const sets: ComparatorSet[] = [];
  for (const alternative of range.split('||')) {
    const set = parseSet(alternative.trim());
    if (!set) return undefined;
    sets.push(set);
  }
  return sets;
}

function parseSet(text: string): ComparatorSet | undefined {
  if (text === '') return [];
  const hyphen = /^(\S+)\s+-\s+(\S+)$/.exec(text);
  if (hyphen) {
    const from = parsePartial(hyphen[1]!);
    const to = parsePartial(hyphen[2]!);
    if (!from || !to) return undefined;
    return [...desugar('>=', from), ...desugar('<=', to)];
  }
  // `>= 1.2` is allowed: glue operators to their version first.
  const tokens = text.replace(/(<=|>=|<|>|=|\^|~>?)\s+/g, '$1').split(/\s+/);
  const out: Comparator[] = [];
  for (const token of tokens) {
    const m = /^(<=|>=|<|>|=|\^|~>?)?(.*)$/.exec(token)!;
    const op = m[1] ?? '';
    const partial = parsePartial(m[2]!);
    if (!partial) return undefined;
    out.push(...desugar(op === '~>' ? '~' : op, partial));
  }
  return out;
}

interface Partial {
  /** undefined: a wildcard or absent part. */
  major?: number;
  minor?: number;
  patch?: number;
  prerelease: Array<string | number>;
}

function parsePartial(text: string): Partial | undefined {
  const m = PARTIAL.exec(text);
  if (!m) return undefined;
  const num = (s: string | undefined) => (s === undefined || /^[xX*]$/.test(s) ? undefined : Number(s));
  const p: Partial = { major: num(m[1]), minor: num(m[2]), patch: num(m[3]), prerelease: m[4] ? splitPre(m[4]) : [] };
  // Once a part is a wildcard, the parts after it are too (`1.x.3` means `1.x`).
  if (p.major === undefined) p.minor = undefined;
  if (p.minor === undefined) p.patch = undefined;
  if (p.patch === undefined) p.prerelease = [];
  return p;
}

const v = (major: number, minor: number, patch: number, prerelease: Array<string | number> = []): Version => ({ major, minor, patch, prerelease });
const NOTHING: Comparator[] = [{ op: '<', version: v(0, 0, 0) }];

/** One operator plus a partial version → plain comparators. */
function desugar(op: string, p: Partial): Comparator[] {
  const { major, minor, patch } = p;
  if (major === undefined) return op === '<' || op === '>' ? NOTHING : [];
  const low = v(major, minor ?? 0, patch ?? 0, p.prerelease);
  // The first version past the partial: 1 → 2.0.0, 1.2 → 1.3.0.
  const past = minor === undefined ? v(major + 1, 0, 0) : v(major, minor + 1, 0);
  switch (op) {
    case '':
    case '=':
      return patch === undefined ? [{ op: '>=', version: low }, { op: '<', version: past }] : [{ op: '=', version: low }];
    case '>=':
      return [{ op: '>=', version: low }];
    case '>':
      return patch === undefined ? [{ op: '>=', version: past }] : [{ op: '>', version: low }];
    case '<':
      return [{ op: '<', version: low }];
    case '<=':
      return patch === undefined ? [{ op: '<', version: past }] : [{ op: '<=', version: low }];
    case '~':
      return [{ op: '>=', version: low }, { op: '<', version: past }];
    case '^': {
      let upper: Version;
      if (major > 0 || minor === undefined) upper = v(major + 1, 0, 0);
      else if (minor > 0 || patch === undefined) upper = v(0, minor + 1, 0);
      else upper = v(0, 0, patch + 1);
      return [{ op: '>=', version: low }, { op: '<', version: upper }];
    }
    default:
      return NOTHING;
  }
}

function setMatches(set: ComparatorSet, version: Version): boolean {
  for (const c of set) if (!holds(c, version)) return false;
  if (version.prerelease.length === 0) return true;
  // npm: a prerelease only matches when the set opts into prereleases of that very version.
  return set.some((c) => c.version.prerelease.length > 0 && c.version.major === version.major && c.version.minor === version.minor && c.version.patch === version.patch);
}

function holds(c: Comparator, version: Version): boolean {
  const d = compareVersions(version, c.version);
  switch (c.op) {
    case '<':
      return d < 0;
    case '<=':
      return d <= 0;
    case '>':
      return d > 0;
    case '>=':
      return d >= 0;
    case '=':
      return d === 0;
  }
}

/** Semver precedence: negative when a < b. */
export function compareVersions(a: Version, b: Version): number {
  if (a.major !== b.major) return a.major - b.major;
  if (a.minor !== b.minor) return a.minor - b.minor;
  if (a.patch !== b.patch) return a.patch - b.patch;
  if (a.prerelease.length === 0 || b.prerelease.length === 0) return b.prerelease.length - a.prerelease.length;
  for (let i = 0; i < Math.max(a.prerelease.length, b.prerelease.length); i++) {
    const x = a.prerelease[i];
    const y = b.prerelease[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    if (typeof x === 'number') return -1;
    if (typeof y === 'number') return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

function splitPre(text: string): Array<string | number> {
  return text.split('.').map((id) => (/^(0|[1-9]\d*)$/.test(id) ? Number(id) : id));
}
