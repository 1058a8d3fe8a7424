/**
 * One `hgw integration` run: load and validate the specs, start the mock
 * backend and the gateway (or use a running one), run every spec in name
 * order, and stop what was started — whatever happens in between.
 *
 * Ports. The specs' URLs name the config's port, and the config's backends
 * name the mock's (`--backend-port`, KrakenD's 8081). By default both listen
 * on free ports instead: the gateway's host map sends the mock's and its own
 * address to where they really are, and spec URLs on the config's port are
 * rewritten to the gateway's. Specs whose expected bodies echo those ports
 * (KrakenD's own: `X-Forwarded-Host: localhost:8080`) need `fixedPorts`.
 */
import type { Plan } from '../../runtime/plan/plan.js';
import { HgwError } from '../errors.js';
import { goClient } from './go-client.js';
import { startMockBackend, type MockBackend } from './mock-backend.js';
import { freePort, startGatewayUnderTest, type GatewayUnderTest } from './gateway-under-test.js';
import { loadSpecs, type Spec } from './spec-file.js';
import { rebrand, type Branding } from './rebrand.js';
import { runSpec } from './run-spec.js';
import type { IntegrationResult } from './results.js';

export interface IntegrationOptions {
  /** The checked config to build and start; absent with `gatewayUrl`. */
  plan?: Plan;
  specs: string;
  /** Test this running gateway instead of starting one. */
  gatewayUrl?: string;
  /** The port the config's backends name for the mock (KrakenD's suite: 8081). */
  backendPort: number;
  /** With `gatewayUrl`: whether to start the mock at all (only when the port was asked for). */
  startMock: boolean;
  fixedPorts: boolean;
  /** The user's own host map entries; they win over the ones the run adds. */
  hostMap: Record<string, string>;
  brand: Branding;
}

export async function runIntegration(options: IntegrationOptions): Promise<IntegrationResult> {
  const started = Date.now();
  const specs = loadSpecs(options.specs).map((s) => rebrand(s, options.brand));
  const cleanups: Array<() => Promise<void>> = [];
  const client = goClient();
  try {
    let mock: MockBackend | undefined;
    if (!options.gatewayUrl || options.startMock) {
      mock = await listenOrExplain(options.fixedPorts || options.gatewayUrl ? options.backendPort : 0, 'mock backend', (port) => startMockBackend({ port }));
      cleanups.push(() => mock!.close());
    }
    let target: URL;
    let rewrite: (url: string) => string;
    if (options.gatewayUrl) {
      target = new URL(options.gatewayUrl);
      rewrite = (url) => withOrigin(url, target);
    } else {
      const plan = options.plan!;
      const configPort = plan.service.port;
      const port = options.fixedPorts ? configPort : await freePort();
      const hostMap: Record<string, string> = {};
      for (const host of ['127.0.0.1', 'localhost']) {
        if (mock && mock.port !== options.backendPort) hostMap[`http://${host}:${options.backendPort}`] = `http://127.0.0.1:${mock.port}`;
        if (port !== configPort) hostMap[`http://${host}:${configPort}`] = `http://127.0.0.1:${port}`;
      }
      const gateway: GatewayUnderTest = await startGatewayUnderTest(plan, { port, hostMap: { ...hostMap, ...options.hostMap }, brand: { name: options.brand.brand, version: options.brand.version } });
      cleanups.push(() => gateway.close());
      target = new URL(`http://localhost:${gateway.port}`);
      rewrite = (url) => onPort(url, configPort, gateway.port);
    }
    const outcomes = [];
    for (const spec of specs) {
      const t = Date.now();
      const result = await runSpec(client, { ...spec, in: { ...spec.in, url: rewrite(spec.in.url) } }, { followRedirects: true });
      outcomes.push({ name: spec.name, file: specFile(options.specs, spec), ok: result.ok, problems: result.problems, ms: Date.now() - t });
    }
    return { suite: options.specs, gatewayUrl: target.origin, specs: outcomes, ms: Date.now() - started };
  } finally {
    client.close();
    for (const c of cleanups.reverse()) await c();
  }
}

async function listenOrExplain<T>(port: number, what: string, listen: (port: number) => Promise<T>): Promise<T> {
  try {
    return await listen(port);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new HgwError('HGW_USAGE', `the ${what} cannot listen on port ${port}: something else already does (free it, or drop --fixed-ports to use free ports)`);
    throw e;
  }
}

/** A spec URL aimed at the config's port on this machine, aimed at the gateway's real port. Only the authority changes: the rest stays byte for byte. */
function onPort(url: string, from: number, to: number): string {
  const u = new URL(url);
  if (from === to || Number(u.port || 80) !== from || !['localhost', '127.0.0.1', '[::1]'].includes(u.hostname)) return url;
  return replaceOrigin(url, `${u.protocol}//${u.hostname}:${to}`);
}

function withOrigin(url: string, target: URL): string {
  return replaceOrigin(url, target.origin);
}

function replaceOrigin(url: string, origin: string): string {
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(url);
  return m ? origin + url.slice(m[0].length) : url;
}

function specFile(dir: string, spec: Spec): string {
  return dir.endsWith('.json') ? dir : `${dir.replace(/\/$/, '')}/${spec.name}.json`;
}
