import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { decodingEndpoint } from '../../../runtime/core/decoding-endpoint.js';
import { noopEndpoint } from '../../../runtime/core/noop-endpoint.js';
import { startGateway, type GatewayWiring, type RunningGateway } from '../../../runtime/core/start.js';
import { httpUpstream } from '../../../runtime/upstream/http/http-upstream.js';
import type { PluginRegistration } from '../../../runtime/plugins/plugin-api.js';
import { loadPluginFile } from '../../../runtime/plugins/load-plugins.js';
import { serverPluginMiddlewareFactory } from '../../../runtime/plugins/server-plugin-middleware.js';
import { clientPluginUpstream } from '../../../runtime/plugins/client-plugin-upstream.js';
import { modifierStage } from '../../../runtime/plugins/modifier-stage.js';
import { base, planOf } from '../../helpers/check.js';
import { echoHandler, headerLines, request, startServer, type TestServer } from '../../helpers/servers.js';

/**
 * The three adapters in a real gateway, wired the way codegen would: the
 * service's server plugins as router middleware, a client plugin as a
 * backend's upstream, modifiers as a backend stage — against a real backend.
 */
const FIXTURES = fileURLToPath(new URL('../../../fixtures/plugins/', import.meta.url));

let backend: TestServer;
let gw: RunningGateway & { url: string };

const inline: PluginRegistration[] = [
  {
    name: 'add-header',
    hgw: '>=0.1 <1',
    kind: 'server',
    create: (config) => (_req, res, next) => {
      res.setHeader('X-Plugin', String(config.value ?? 'on'));
      next();
    },
  },
  {
    name: 'json-envelope',
    hgw: '>=0.1 <1',
    kind: 'modifier',
    create: () => ({
      request(r) {
        r.headers['x-modified-by'] = ['json-envelope'];
      },
      response(r) {
        r.body = Buffer.from(JSON.stringify({ wrapped: JSON.parse(r.body.toString()) }));
      },
    }),
  },
];

beforeAll(async () => {
  backend = await startServer(echoHandler);
  const registrations = [...inline, ...(await loadPluginFile(`${FIXTURES}good-client.mjs`, { hgwVersion: '0.1.0' }))];
  const plan = planOf(
    base(
      [
        {
          endpoint: '/answered',
          backend: [{ url_pattern: '/never-called', host: [backend.url], extra_config: { 'plugin/http-client': { name: 'static-answer', 'static-answer': { message: 'from the plugin' } } } }],
        },
        {
          endpoint: '/modified',
          output_encoding: 'no-op',
          backend: [{ url_pattern: '/echo', host: [backend.url], extra_config: { 'plugin/req-resp-modifier': { name: ['json-envelope'] } } }],
        },
      ],
      { extra_config: { 'plugin/http-server': { name: ['add-header'], 'add-header': { value: 'acme' } } } },
    ),
  );
  const client = clientPluginUpstream(registrations);
  const wiring: GatewayWiring = {
    build: { hgwVersion: 'test', brand: { name: 'hanzoai/gateway', version: '2.13.8' }, configFile: 'gateway.json', configSha256: plan.source.sha256, hostMap: {}, unimplemented: [] },
    service: plan.service,
    endpoints: plan.endpoints.map((ep) => ({
      plan: ep,
      handler: ep.outputEncoding === 'no-op' ? noopEndpoint : decodingEndpoint,
      backends: ep.backends.map((b) => (b.extraConfig['plugin/http-client'] ? client : httpUpstream)),
      stages: ep.backends.map(() => [modifierStage(registrations)]),
    })),
    middleware: [serverPluginMiddlewareFactory(registrations)],
  };
  const running = await startGateway(wiring, { port: 0, host: '127.0.0.1', write: () => {} });
  gw = { ...running, url: `http://127.0.0.1:${running.port}` };
});

afterAll(async () => {
  await gw?.close();
  await backend?.close();
});

describe('plugins wired into a real gateway', () => {
  it('a client plugin answers the backend call; the endpoint merges its JSON like a backend\'s; the server plugin adds its header', async () => {
    const res = await request(`${gw.url}/answered`);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ message: 'from the plugin', method: 'GET', path: '/never-called' });
    expect(res.headers['x-plugin']).toBe('acme');
  });

  it('a modifier rewrites the request the backend gets and the body the client gets (no-op: headers relayed, length recomputed)', async () => {
    const res = await request(`${gw.url}/modified`);
    expect(res.status).toBe(200);
    const body = JSON.parse(res.body) as { wrapped: { url: string; rawHeaders: string[] } };
    expect(body.wrapped.url).toBe('/echo');
    expect(headerLines(body.wrapped.rawHeaders, 'x-modified-by')).toEqual(['json-envelope']);
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(res.body)));
    expect(headerLines(res.rawHeaders, 'set-cookie')).toEqual(['a=1', 'b=2']);
    expect(res.headers['x-plugin']).toBe('acme');
  });

  it('the router still answers what no endpoint matches, after the server plugin', async () => {
    const res = await request(`${gw.url}/nothing-here`);
    expect(res.status).toBe(404);
    expect(res.headers['x-plugin']).toBe('acme');
  });
});
