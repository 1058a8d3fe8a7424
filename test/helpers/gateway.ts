import type { BackendPlan, EndpointPlan, Plan } from '../../runtime/plan/plan.js';
import { startGateway, type GatewayWiring, type RunningGateway, type StartOptions } from '../../runtime/core/start.js';
import { noopEndpoint } from '../../runtime/core/noop-endpoint.js';
import { decodingEndpoint } from '../../runtime/core/decoding-endpoint.js';
import { httpUpstream } from '../../runtime/upstream/http/http-upstream.js';
import { baseHaUpstream } from '../../runtime/upstream/base-ha/base-ha-upstream.js';
import { baseHaUpstreamWithRedisPins } from '../../runtime/upstream/base-ha/base-ha-redis.js';
import { baseNetworkUpstream } from '../../runtime/upstream/base-network/base-network-upstream.js';
import { jwtValidator } from '../../runtime/auth/validator/jwt-validator.js';
import { jwtSigner } from '../../runtime/auth/signer/jwt-signer.js';
import type { UpstreamFactory } from '../../runtime/core/endpoint-context.js';
import { planOf } from './check.js';

/**
 * Starts the runtime in the test process, wired the way codegen wires it
 * (no-op → noopEndpoint, else decodingEndpoint; http upstream), for runtime tests
 * that need no bundle. Build tests exercise the real bundle instead.
 */
export async function startRuntime(config: unknown, options: StartOptions = {}): Promise<RunningGateway & { url: string; plan: Plan; logs: string[] }> {
  const plan = planOf(config);
  const logs: string[] = [];
  const wiring: GatewayWiring = {
    build: { hgwVersion: 'test', brand: { name: 'hanzoai/gateway', version: '2.13.8' }, configFile: 'gateway.json', configSha256: plan.source.sha256, hostMap: {}, unimplemented: [] },
    service: plan.service,
    endpoints: plan.endpoints.map((ep: EndpointPlan) => ({
      plan: ep,
      handler: ep.outputEncoding === 'no-op' ? noopEndpoint : decodingEndpoint,
      backends: ep.backends.map(upstreamFor),
      middleware: ep.extraConfig['auth/validator'] !== undefined ? [jwtValidator] : [],
      ...(ep.extraConfig['auth/signer'] !== undefined ? { finisher: jwtSigner } : {}),
    })),
  };
  const running = await startGateway(wiring, { port: 0, host: '127.0.0.1', write: (l) => logs.push(l), ...options });
  return { ...running, url: `http://127.0.0.1:${running.port}`, plan, logs };
}

/** The upstream codegen would link for a backend. */
function upstreamFor(b: BackendPlan): UpstreamFactory {
  switch (b.upstream.kind) {
    case 'base-network':
      return baseNetworkUpstream;
    case 'base_ha':
      return b.upstream.readYourWritesStore ? baseHaUpstreamWithRedisPins : baseHaUpstream;
    default:
      return httpUpstream;
  }
}
