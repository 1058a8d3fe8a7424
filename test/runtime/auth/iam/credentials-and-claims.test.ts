import { describe, expect, it } from 'vitest';
import { isApiKey } from '../../../../runtime/auth/iam/api-keys.js';
import { effectiveOrg, hasUnsafeRune, isOrgAdmin, isPlatformSudo, ledgerOrg, readIamClaims, userId, ClaimTypeError } from '../../../../runtime/auth/iam/iam-claims.js';
import { moneyBits, permissionBitsFromNames, permissionsHeaderValue, PERMISSION_BIT_POSITIONS } from '../../../../runtime/auth/iam/permission-bits.js';
import { bearerToken, cookieToken } from '../../../../runtime/auth/iam/token-sources.js';

describe('token sources', () => {
  it('reads Bearer from Authorization, X-Authorization only when Authorization is empty', () => {
    expect(bearerToken('bearer x', '')).toBe('x');
    expect(bearerToken('Bearer  x ', '')).toBe('x');
    expect(bearerToken('BEARER abc.def', '')).toBe('abc.def');
    expect(bearerToken('Bearer', '')).toBe('');
    expect(bearerToken('Bearer ', '')).toBe('');
    expect(bearerToken('Basic dXNlcjpwYXNz', 'Bearer y')).toBe('');
    expect(bearerToken('', 'Bearer y')).toBe('y');
  });

  it('reads the IAM cookies in priority order, first non-empty occurrence, quotes and spaces trimmed', () => {
    expect(cookieToken('access_token=a; __Host-hanzo_iam_token=b')).toBe('b');
    expect(cookieToken('hanzo_token=c; iam_access_token=d')).toBe('d');
    expect(cookieToken('hanzo_iam_token=; hanzo_iam_token="e" ')).toBe('e');
    expect(cookieToken('hanzo_iam_token=f; hanzo_iam_token=g')).toBe('f');
    expect(cookieToken('session=x; token=y; Access_Token=z')).toBe('');
    expect(cookieToken('access_token=a=b')).toBe('a=b');
    expect(cookieToken('')).toBe('');
  });

  it('recognises opaque API keys by case-sensitive prefix', () => {
    for (const k of ['hk-1', 'sk-1', 'pk-1', 'fw_1', 'hz_1']) expect(isApiKey(k)).toBe(true);
    for (const k of ['sk', 'SK-1', 'xx-fake-key', 'not-a-valid-token', 'random-token', 'hz-1']) expect(isApiKey(k)).toBe(false);
  });
});

describe('claim model', () => {
  const member = readIamClaims({ sub: 'alice', orgs: [{ org: 'hanzo', role: 'member' }, { org: 'acme', role: ' Owner ' }] });
  const sudo = readIamClaims({ sub: 'root', orgs: [{ org: 'hanzo', role: 'member' }, { org: 'admin', role: 'member' }] });
  const machine = readIamClaims({ sub: 'svc', owner: 'admin', isAdmin: true });

  it('derives the effective org from membership, verbatim', () => {
    expect(effectiveOrg(member, '')).toBe('hanzo');
    expect(effectiveOrg(member, 'acme')).toBe('acme');
    expect(effectiveOrg(member, 'ACME')).toBe('hanzo');
    expect(effectiveOrg(member, 'victim-org')).toBe('hanzo');
    expect(effectiveOrg(member, 'acme\u200b')).toBe('hanzo');
    expect(effectiveOrg(sudo, 'anyone')).toBe('anyone');
    expect(effectiveOrg(machine, 'x')).toBe('');
  });

  it('grants platform and org authority only through memberships', () => {
    expect(isPlatformSudo(sudo)).toBe(true);
    expect(isPlatformSudo(member)).toBe(false);
    expect(isPlatformSudo(machine)).toBe(false);
    expect(isPlatformSudo(readIamClaims({ orgs: [{ org: 'Admin' }, { org: 'admin ' }] }))).toBe(false);
    expect(isOrgAdmin(member, 'acme')).toBe(true);
    expect(isOrgAdmin(member, 'hanzo')).toBe(false);
    expect(isOrgAdmin(readIamClaims({ isAdmin: true, orgs: [{ org: 'hanzo', role: 'member' }] }), 'hanzo')).toBe(true);
    expect(isOrgAdmin(machine, '')).toBe(false);
    expect(ledgerOrg(sudo, 'anyone')).toBe('hanzo');
    expect(ledgerOrg(member, 'acme')).toBe('acme');
  });

  it('picks the user id from sub, preferred_username, name', () => {
    expect(userId(readIamClaims({ sub: ' ', preferred_username: ' bob ', name: 'Bob' }))).toBe('bob');
    expect(userId(readIamClaims({ name: 'Carol' }))).toBe('Carol');
    expect(userId(readIamClaims({}))).toBe('');
  });

  it('refuses wrongly typed claims the gateway reads, as a typed Go decode does', () => {
    expect(() => readIamClaims({ isAdmin: 'true' })).toThrow(ClaimTypeError);
    expect(() => readIamClaims({ orgs: 'hanzo' })).toThrow(ClaimTypeError);
    expect(() => readIamClaims({ sub: 42 })).toThrow(ClaimTypeError);
    expect(readIamClaims({ sub: null, roles: 5, permissions: 'x' }).sub).toBe('');
  });

  it('flags whitespace, control and zero-width characters', () => {
    for (const s of ['a b', 'a\tb', 'a\r', '\n', '\x01', '\x7f', '\u200b', '\u200c', '\u200d', '\ufeff']) expect(hasUnsafeRune(s)).toBe(true);
    expect(hasUnsafeRune('acme-org_1.x')).toBe(false);
  });
});

describe('X-User-Permissions bit-field', () => {
  it('keeps bits above 2^53 exact (BigInt)', () => {
    const bits = permissionBitsFromNames(['writereturn', 'live', ' ReadReturn ', 'return', 'unknown']);
    const expected = (1n << 59n) | (1n << 58n) | (1n << 57n) | (1n << 2n);
    expect(bits).toBe(expected);
    expect(permissionsHeaderValue(bits)).toBe('1008806316530991108');
    // A Number would have rounded the low bits away.
    expect(String(Number(expected))).not.toBe('1008806316530991108');
  });

  it('has the Commerce table positions', () => {
    expect(PERMISSION_BIT_POSITIONS.get('bundle')).toBe(9);
    expect(PERMISSION_BIT_POSITIONS.get('variant')).toBe(24);
    expect(PERMISSION_BIT_POSITIONS.get('readbundle')).toBe(25);
    expect(PERMISSION_BIT_POSITIONS.get('readvariant')).toBe(40);
    expect(PERMISSION_BIT_POSITIONS.get('writebundle')).toBe(41);
    expect(PERMISSION_BIT_POSITIONS.get('writevariant')).toBe(56);
    expect(permissionBitsFromNames(['live', 'test'])).toBe(12n);
    expect(permissionBitsFromNames(['admin', 'live'])).toBe(20n);
  });

  it('mints Era C money bits: live from isAdmin, admin from platform sudo; omitted when zero', () => {
    expect(moneyBits(readIamClaims({ isAdmin: true, orgs: [{ org: 'acme' }] }))).toBe(4n);
    expect(moneyBits(readIamClaims({ orgs: [{ org: 'admin' }] }))).toBe(16n);
    expect(moneyBits(readIamClaims({ isAdmin: true, orgs: [{ org: 'admin' }] }))).toBe(20n);
    expect(moneyBits(readIamClaims({ owner: 'admin', permissions: 64, orgs: [{ org: 'acme' }] }))).toBe(0n);
    expect(permissionsHeaderValue(0n)).toBeUndefined();
  });
});
