import { afterEach, describe, expect, it } from 'vitest';
import { base, checkGateway } from '../helpers/check.js';
import { startRuntime } from '../helpers/gateway.js';
import { request, startServer, type TestServer } from '../helpers/servers.js';

/**
 * identity-header-copied: martian runs on the backend request after the edge
 * stripped identity, so a copy of a client-chosen value into X-User-Id undoes
 * the strip. The first test shows the hole on a real backend (the premise of
 * the rule); the others show what `check` says, and what it leaves alone.
 */
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const endpointWith = (martian: unknown, inputHeaders: string[] = ['X-Tenant']) =>
  base([{ endpoint: '/m', output_encoding: 'no-op', input_headers: inputHeaders, extra_config: { 'auth/public': true },
    backend: [{ url_pattern: '/m', host: ['http://127.0.0.1:8081'], extra_config: { 'modifier/martian': martian } }] }]);

const copied = (config: unknown, profile?: 'hanzo' | 'krakend') =>
  checkGateway(config, profile).filter((d) => d.ruleId === 'identity-header-copied').map((d) => [d.pointer, d.severity]);

describe('identity-header-copied', () => {
  it('names a real hole: under the hanzo edge a martian copy hands the client\'s value to the backend as X-User-Id', async () => {
    let seen: string | undefined;
    const be: TestServer = await startServer((req, res) => {
      seen = req.headers['x-user-id'] as string | undefined;
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
    cleanups.push(() => be.close());
    const config = endpointWith({ 'header.Copy': { scope: ['request'], from: 'X-Tenant', to: 'X-User-Id' } });
    (config.endpoints as Array<{ backend: Array<{ host: string[] }> }>)[0]!.backend[0]!.host = [be.url];
    const gw = await startRuntime(config, { profile: 'hanzo' });
    cleanups.push(() => gw.close());
    const r = await request(`${gw.url}/m`, { headers: { 'X-Tenant': 'victim', 'X-User-Id': 'forged' } });
    expect(r.status).toBe(200);
    // The client's own X-User-Id was stripped; the copy wrote its X-Tenant there.
    expect(seen).toBe('victim');
  });

  it('reports header.Copy from a passed client header into an identity header, at its `to`, under both profiles', () => {
    const config = endpointWith({ 'header.Copy': { scope: ['request'], from: 'X-Tenant', to: 'X-User-Id' } });
    const at = '/endpoints/0/backend/0/extra_config/modifier~1martian/header.Copy/to';
    expect(copied(config)).toEqual([[at, 'warning']]);
    expect(copied(config, 'krakend')).toEqual([[at, 'warning']]);
  });

  it('follows groups, filters and priority items, and stash.Modifier (the path is the client\'s)', () => {
    const config = endpointWith({
      'fifo.Group': {
        modifiers: [
          { 'header.Filter': { name: 'X-A', modifier: { 'header.Copy': { from: 'X-Tenant', to: 'x_org_id' } } } },
          { 'priority.Group': { modifiers: [{ priority: 1, modifier: { 'stash.Modifier': { headerName: 'X-Hanzo-Path' } } }] } },
        ],
      },
    });
    const root = '/endpoints/0/backend/0/extra_config/modifier~1martian/fifo.Group/modifiers';
    expect(copied(config).map(([p]) => p)).toEqual([
      `${root}/0/header.Filter/modifier/header.Copy/to`,
      `${root}/1/priority.Group/modifiers/0/modifier/stash.Modifier/headerName`,
    ]);
  });

  it('leaves alone: static values, response scope, headers the client cannot send, identity copied from a minted identity header', () => {
    expect(copied(endpointWith({ 'header.Modifier': { scope: ['request'], name: 'X-User-Id', value: 'svc' } }))).toEqual([]);
    expect(copied(endpointWith({ 'header.Copy': { scope: ['response'], from: 'X-Tenant', to: 'X-User-Id' } }))).toEqual([]);
    expect(copied(endpointWith({ 'header.Copy': { scope: ['request'], from: 'X-Other', to: 'X-User-Id' } }))).toEqual([]);
    // Under the hanzo edge X-User-Id is minted from a verified token, so copying it on is not the client's choice…
    const fromMinted = endpointWith({ 'header.Copy': { scope: ['request'], from: 'X-User-Id', to: 'X-Hanzo-User' } }, ['X-User-Id']);
    expect(copied(fromMinted, 'hanzo')).toEqual([]);
    // …while plain KrakenD passes the client's X-User-Id as sent.
    expect(copied(fromMinted, 'krakend')).toHaveLength(1);
  });
});

describe('identity-header-copied: values the gateway itself forwards from the client', () => {
  /** What a backend saw as X-User-Id when martian copies `from` into it and the client sends `headers`. */
  async function userIdSeen(from: string, headers: Record<string, string>, profile: 'hanzo' | 'krakend', inputHeaders?: string[]): Promise<string | undefined> {
    let seen: string | undefined;
    const be: TestServer = await startServer((req, res) => {
      seen = req.headers['x-user-id'] as string | undefined;
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
    cleanups.push(() => be.close());
    const config = endpointWith({ 'header.Copy': { scope: ['request'], from, to: 'X-User-Id' } }, inputHeaders);
    (config.endpoints as Array<{ backend: Array<{ host: string[] }> }>)[0]!.backend[0]!.host = [be.url];
    const gw = await startRuntime(config, { profile });
    cleanups.push(() => gw.close());
    expect((await request(`${gw.url}/m`, { headers })).status).toBe(200);
    return seen;
  }

  it('X-Request-ID: under hanzo every backend gets the client\'s plain id, so a copy of it is the client\'s choice', async () => {
    expect(await userIdSeen('X-Request-ID', { 'X-Request-ID': 'admin-7' }, 'hanzo')).toBe('admin-7');
    const config = endpointWith({ 'header.Copy': { scope: ['request'], from: 'X-Request-ID', to: 'X-User-Id' } });
    expect(copied(config, 'hanzo')).toHaveLength(1);
    // Under krakend the id reaches a backend only where input_headers name X-Request-ID (covered by the input_headers check).
    expect(copied(config, 'krakend')).toEqual([]);
  });

  it('X-Forwarded-Host and X-Forwarded-For carry what the client sent (Host; an X-Forwarded-For entry), under both profiles', async () => {
    expect(await userIdSeen('X-Forwarded-For', { 'X-Forwarded-For': 'admin-7' }, 'krakend')).toBe('admin-7');
    // Under hanzo the entry must be an address, and is believed only from a trusted proxy (loopback here): still the client's pick.
    expect(await userIdSeen('X-Forwarded-For', { 'X-Forwarded-For': '6.6.6.6' }, 'hanzo')).toBe('6.6.6.6');
    expect(await userIdSeen('X-Forwarded-Host', { Host: 'admin-7' }, 'krakend')).toBe('admin-7');
    for (const from of ['X-Forwarded-Host', 'x-forwarded-for']) {
      const config = endpointWith({ 'header.Copy': { scope: ['request'], from, to: 'X-User-Id' } });
      expect(copied(config, 'hanzo')).toHaveLength(1);
      expect(copied(config, 'krakend')).toHaveLength(1);
    }
  });
  it('Content-Type: what an endpoint without input_headers forwards (the Lura default)', async () => {
    expect(await userIdSeen('Content-Type', { 'Content-Type': 'admin-7' }, 'hanzo', [])).toBe('admin-7');
    const config = endpointWith({ 'header.Copy': { scope: ['request'], from: 'Content-Type', to: 'X-User-Id' } }, []);
    expect(copied(config, 'hanzo')).toHaveLength(1);
    expect(copied(config, 'krakend')).toHaveLength(1);
    delete (config.endpoints as Array<Record<string, unknown>>)[0]!.input_headers;
    expect(copied(config)).toHaveLength(1);
  });
});

describe('identity-header-copied: martian trees the walk must not miss', () => {
  it('martian under its legacy namespace (github.com/devopsfaith/krakend-martian), which the gateway runs too', async () => {
    const legacy = (host: string) => base([{ endpoint: '/m', output_encoding: 'no-op', input_headers: ['X-Tenant'], extra_config: { 'auth/public': true },
      backend: [{ url_pattern: '/m', host: [host], extra_config: { 'github.com/devopsfaith/krakend-martian': { 'header.Copy': { scope: ['request'], from: 'X-Tenant', to: 'X-User-Id' } } } }] }]);
    let seen: string | undefined;
    const be: TestServer = await startServer((req, res) => {
      seen = req.headers['x-user-id'] as string | undefined;
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
    cleanups.push(() => be.close());
    const gw = await startRuntime(legacy(be.url), { profile: 'hanzo' });
    cleanups.push(() => gw.close());
    expect((await request(`${gw.url}/m`, { headers: { 'X-Tenant': 'victim' } })).status).toBe(200);
    expect(seen).toBe('victim');
    expect(copied(legacy('http://127.0.0.1:8081')).map(([p]) => p)).toEqual(['/endpoints/0/backend/0/extra_config/github.com~1devopsfaith~1krakend-martian/header.Copy/to']);
  });

  it('a priority.Group item without `priority` (martian defaults it to 0)', () => {
    const config = endpointWith({ 'priority.Group': { modifiers: [{ modifier: { 'header.Copy': { from: 'X-Tenant', to: 'X-User-Id' } } }] } });
    expect(copied(config).map(([p]) => p)).toEqual(['/endpoints/0/backend/0/extra_config/modifier~1martian/priority.Group/modifiers/0/modifier/header.Copy/to']);
  });

  it('a copy through an intermediate header: the client\'s value is copied (or stashed) into X-Tmp, then X-Tmp into X-User-Id', () => {
    const viaCopy = endpointWith({ 'fifo.Group': { modifiers: [
      { 'header.Copy': { from: 'X-Tenant', to: 'X-Tmp' } },
      { 'header.Copy': { from: 'X-Tmp', to: 'X-User-Id' } },
    ] } });
    expect(copied(viaCopy).map(([p]) => p)).toEqual(['/endpoints/0/backend/0/extra_config/modifier~1martian/fifo.Group/modifiers/1/header.Copy/to']);
    const viaStash = endpointWith({ 'fifo.Group': { modifiers: [
      { 'stash.Modifier': { headerName: 'X-Tmp' } },
      { 'header.Filter': { name: 'X-A', else: { 'header.Copy': { from: 'x-tmp', to: 'X-Org-Id' } } } },
    ] } });
    expect(copied(viaStash).map(([p]) => p)).toEqual(['/endpoints/0/backend/0/extra_config/modifier~1martian/fifo.Group/modifiers/1/header.Filter/else/header.Copy/to']);
    // A header the operator wrote statically is not the client's, copied on or not.
    const viaStatic = endpointWith({ 'fifo.Group': { modifiers: [
      { 'header.Modifier': { name: 'X-Tmp', value: 'svc' } },
      { 'header.Copy': { from: 'X-Tmp', to: 'X-User-Id' } },
    ] } });
    expect(copied(viaStatic)).toEqual([]);
  });
});
