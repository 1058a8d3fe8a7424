import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aliceClaims, identityOf, makeSigningKey, rawValues, signToken, startGateway, startJwksServer, type Echoed, type JwksServer, type SigningKey, type TestGateway } from './iam-test-kit.js';

/** Forged identity in every shape: mixed case, repeated lines, comma-joined values, reserved prefixes. */
const FORGED = [
  'X-User-Id', 'forged-1',
  'x-user-id', 'forged-2',
  'X-USER-ID', 'forged-3, forged-4',
  'X-Org-Id', 'victim-org',
  'x-ORG-id', 'other-org',
  'X-Iam-Foo', 'bar',
  'x-iam-user', 'root',
  'x-hanzo-bar', 'baz',
  'X-HANZO-Admin', 'true',
  'X-Roles', 'admin,owner',
  'X-User-Permissions', '1152921504606846975',
  'x-user-permissions', '16',
  'X-User-IsAdmin', 'true',
  'X-User-IsGlobalAdmin', 'true',
  'X-User-IsOrgAdmin', 'true',
  'X-User-Owner', 'admin',
  'X-Project-Id', 'secret-project',
  'X-Workspace-Id', 'ws',
  'X-Billing-Account-Id', 'someone-else',
  'X-Phone-Number', '+15550100',
  'X-Tenant-Id', 't',
  'X-Org', 'o',
  'X-User-Role', 'admin',
  'X-User-Roles', 'admin',
  'X-Scope', 'all',
  'X-Scope-Role', 'owner',
  'X-App-Id', 'app',
  'X-User-Name', 'mallory',
  'X-User-Email', 'mallory@evil.test',
];
const PRESERVED = ['Content-Type', 'text/plain', 'X-Request-Id', 'req-1', 'X-Forwarded-For', '203.0.113.9'];

const STRIPPED = new Set(
  ['x-org-id', 'x-workspace-id', 'x-project-id', 'x-scope', 'x-scope-role', 'x-user-id', 'x-user-name', 'x-user-email', 'x-user-owner', 'x-user-isadmin',
    'x-user-isorgadmin', 'x-user-permissions', 'x-billing-account-id', 'x-app-id', 'x-user-isglobaladmin', 'x-roles', 'x-user-role', 'x-user-roles',
    'x-tenant-id', 'x-phone-number', 'x-org'],
);
const isStripped = (lower: string) => STRIPPED.has(lower) || lower.startsWith('x-iam-') || lower.startsWith('x-hanzo-');

/** No identity header in any of Node's three views. */
function expectNoIdentity(echoed: Echoed | undefined) {
  expect(echoed).toBeDefined();
  const e = echoed!;
  for (let i = 0; i < e.rawHeaders.length; i += 2) expect(isStripped(e.rawHeaders[i]!.toLowerCase()), `raw ${e.rawHeaders[i]}`).toBe(false);
  for (const name of Object.keys(e.headers)) expect(isStripped(name), `headers ${name}`).toBe(false);
  for (const name of Object.keys(e.headersDistinct)) expect(isStripped(name), `headersDistinct ${name}`).toBe(false);
  expectPreserved(e);
}

function expectPreserved(e: Echoed) {
  expect(e.headers['content-type']).toBe('text/plain');
  expect(e.headers['x-request-id']).toBe('req-1');
  expect(e.headers['x-forwarded-for']).toBe('203.0.113.9');
  expect(rawValues(e.rawHeaders, 'x-request-id')).toEqual(['req-1']);
}

/** Exactly these minted headers (lower-case names), agreeing in all three views; nothing forged left. */
function expectIdentity(echoed: Echoed | undefined, minted: Record<string, string>) {
  expect(echoed).toBeDefined();
  const e = echoed!;
  expect(identityOf(e)).toEqual(minted);
  for (const [name, value] of Object.entries(minted)) {
    expect(rawValues(e.rawHeaders, name)).toEqual([value]);
    expect(e.headers[name]).toBe(value);
    expect(e.headersDistinct[name]).toEqual([value]);
  }
  for (const name of Object.keys(e.headers)) if (isStripped(name)) expect(minted[name], `headers ${name}`).toBeDefined();
  for (const name of Object.keys(e.headersDistinct)) if (isStripped(name)) expect(minted[name], `headersDistinct ${name}`).toBeDefined();
  expectPreserved(e);
}

let key: SigningKey;
let jwks: JwksServer;
let gw: TestGateway;
let disabled: TestGateway;
let alice: string;

beforeAll(async () => {
  key = await makeSigningKey('RS256', 'k1');
  jwks = await startJwksServer([key.jwk]);
  gw = await startGateway({ AUTH_JWKS_URL: jwks.url }, { publicRoutes: (method, path) => method === 'GET' && path === '/v1/models' });
  disabled = await startGateway({ AUTH_ENABLED: 'false', AUTH_JWKS_URL: jwks.url });
  alice = await signToken(key, aliceClaims());
});
afterAll(async () => {
  await gw.close();
  await disabled.close();
  await jwks.stop();
});

describe('ingress strip: forged identity never reaches the backend', () => {
  it('on a public path', async () => {
    expectNoIdentity((await gw.send('/healthz', [...FORGED, ...PRESERVED])).echoed);
    expectNoIdentity((await gw.send('/healthz', [...FORGED, ...PRESERVED, 'Authorization', `Bearer ${alice}`])).echoed);
  });

  it('on a public host', async () => {
    const r = await gw.send('/v1/anything', [...FORGED, ...PRESERVED, 'Authorization', `Bearer ${alice}`], { host: 'hanzo.id:443' });
    expect(r.status).toBe(200);
    expectNoIdentity(r.echoed);
  });

  it('on a route the caller marked public', async () => {
    expectNoIdentity((await gw.send('/v1/models', [...FORGED, ...PRESERVED])).echoed);
  });

  it('on a tokenless ingest request', async () => {
    expectNoIdentity((await gw.send('/v1/event/019f5339/envelope/', [...FORGED, ...PRESERVED], { method: 'POST' })).echoed);
  });

  it('on a private path without a token', async () => {
    expectNoIdentity((await gw.send('/v1/things', [...FORGED, ...PRESERVED])).echoed);
  });

  it('on a private path with an API key', async () => {
    for (const apiKey of ['sk-live-123', 'hk-old', 'pk-pub', 'fw_x', 'hz_widget']) {
      const r = await gw.send('/v1/things', [...FORGED, ...PRESERVED, 'Authorization', `Bearer ${apiKey}`]);
      expect(r.status).toBe(200);
      expectNoIdentity(r.echoed);
      expect(r.echoed!.headers.authorization).toBe(`Bearer ${apiKey}`);
    }
  });

  it('with auth disabled (AUTH_ENABLED=false): still stripped, and no identity minted even from a valid token', async () => {
    expectNoIdentity((await disabled.send('/v1/things', [...FORGED, ...PRESERVED])).echoed);
    expectNoIdentity((await disabled.send('/v1/things', [...FORGED, ...PRESERVED, 'Authorization', `Bearer ${alice}`])).echoed);
    expectNoIdentity((await disabled.send('/v1/things', [...FORGED, ...PRESERVED, 'Authorization', 'Bearer garbage'])).echoed);
  });

  it('with a valid token: only the minted identity, each header once', async () => {
    const r = await gw.send('/v1/things', [...FORGED, ...PRESERVED, 'Authorization', `Bearer ${alice}`]);
    expect(r.status).toBe(200);
    expectIdentity(r.echoed, { 'x-org-id': 'hanzo', 'x-user-owner': 'hanzo', 'x-user-id': 'alice', 'x-user-email': 'alice@hanzo.ai' });
    expect(r.echoed!.headers.authorization).toBe(`Bearer ${alice}`);
  });

  it('with an invalid token: refused, nothing reaches the backend', async () => {
    const r = await gw.send('/v1/things', [...FORGED, ...PRESERVED, 'Authorization', 'Bearer not-a-valid-token']);
    expect(r.status).toBe(401);
    expect(r.echoed).toBeUndefined();
  });
});

describe('identity minted from verified claims (Era C)', () => {
  const mint = async (claims: Record<string, unknown>, headers: string[] = []) => {
    const r = await gw.send('/v1/things', [...PRESERVED, ...headers, 'Authorization', `Bearer ${await signToken(key, aliceClaims(claims))}`]);
    expect(r.status).toBe(200);
    return r.echoed!;
  };

  it('writes every A7 header for a platform operator, with Go canonical names and the 20 bit-field', async () => {
    const e = await mint({
      sub: 'root',
      preferred_username: ' root-user ',
      name: 'Root',
      email: 'root@hanzo.ai',
      isAdmin: true,
      orgs: [{ org: 'hanzo', role: 'owner' }, { org: 'admin', role: 'member' }],
      billing_account: 'ba-1',
      workspace: 'ws-1',
      project: 'default',
      roles: ['superuser'],
      phone_number: '+15550100',
      permissions: ['writereturn'],
    });
    expectIdentity(e, {
      'x-org-id': 'hanzo',
      'x-user-owner': 'hanzo',
      'x-workspace-id': 'ws-1',
      'x-project-id': 'default',
      'x-user-id': 'root',
      'x-user-name': 'root-user',
      'x-user-email': 'root@hanzo.ai',
      'x-billing-account-id': 'ba-1',
      'x-user-isadmin': 'true',
      'x-user-isorgadmin': 'true',
      'x-user-permissions': '20',
    });
    const names = e.rawHeaders.filter((_, i) => i % 2 === 0);
    expect(names).toContain('X-User-Isadmin');
    expect(names).toContain('X-User-Isorgadmin');
    expect(names).toContain('X-User-Id');
  });

  it('honours X-Org-Id only for an org the token is a member of (verbatim)', async () => {
    const claims = { orgs: [{ org: 'hanzo', role: 'member' }, { org: 'acme', role: 'Admin' }] };
    expect(identityOf(await mint(claims, ['X-Org-Id', 'acme']))['x-org-id']).toBe('acme');
    expect(identityOf(await mint(claims, ['X-Org-Id', 'acme']))['x-user-isorgadmin']).toBe('true');
    expect(identityOf(await mint(claims, ['X-Org-Id', 'victim-org']))['x-org-id']).toBe('hanzo');
    expect(identityOf(await mint(claims, ['X-Org-Id', 'ACME']))['x-org-id']).toBe('hanzo');
    expect(identityOf(await mint(claims, ['X-Org-Id', 'acme ']))['x-org-id']).toBe('acme');
    expect(identityOf(await mint(claims, ['X-Org-Id', 'ac me']))['x-org-id']).toBe('hanzo');
    expect(identityOf(await mint(claims, ['X-Org-Id', 'acme\u200b'.replace('\u200b', Buffer.from('\u200b').toString('latin1'))]))['x-org-id']).toBe('hanzo');
  });

  it('lets a platform operator act in any org', async () => {
    const e = await mint({ orgs: [{ org: 'hanzo' }, { org: 'admin' }] }, ['X-Org-Id', 'customer-org']);
    expect(identityOf(e)['x-org-id']).toBe('customer-org');
    expect(identityOf(e)['x-user-permissions']).toBe('16');
  });

  it('gives org admins the live bit only, never X-User-IsAdmin', async () => {
    const id = identityOf(await mint({ isAdmin: true, orgs: [{ org: 'acme', role: 'member' }] }));
    expect(id['x-user-permissions']).toBe('4');
    expect(id['x-user-isorgadmin']).toBe('true');
    expect(id['x-user-isadmin']).toBeUndefined();
  });

  it('mints no org, owner or admin authority for a token without orgs', async () => {
    const id = identityOf(await mint({ orgs: undefined, owner: 'admin', isAdmin: true, isGlobalAdmin: true }, ['X-Org-Id', 'admin']));
    expect(id).toEqual({ 'x-user-id': 'alice', 'x-user-email': 'alice@hanzo.ai', 'x-user-permissions': '4' });
  });

  it('omits workspace/project values holding unsafe characters and empty claims', async () => {
    const id = identityOf(await mint({ workspace: 'w s', project: 'p\u200b', email: '' }));
    expect(id['x-workspace-id']).toBeUndefined();
    expect(id['x-project-id']).toBeUndefined();
    expect(id['x-user-email']).toBeUndefined();
  });

  it('sends non-ASCII claim values as UTF-8 bytes, as Go does', async () => {
    const e = await mint({ preferred_username: 'José', email: 'jösé@hanzo.ai' });
    const raw = rawValues(e.rawHeaders, 'x-user-name')[0]!;
    expect(Buffer.from(raw, 'latin1').toString('utf8')).toBe('José');
  });

  it('never mints a header whose claim holds CR/LF', async () => {
    const e = await mint({ email: 'a@b.c\r\nX-User-IsAdmin: true' });
    expect(identityOf(e)['x-user-email']).toBeUndefined();
    expect(identityOf(e)['x-user-isadmin']).toBeUndefined();
  });
});
