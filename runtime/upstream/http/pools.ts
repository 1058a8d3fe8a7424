import { Pool } from 'undici';
import type { ServicePlan } from '../../plan/plan.js';
import type { ConnectionOptions } from 'node:tls';
import { clientTlsOptions } from './client-tls.js';
import { connectorWithoutConnectionHeader } from './no-connection-header.js';
import type { ConnectionPools } from '../../shared/upstream/upstream.js';

/**
 * One undici Pool (kept-alive connections) per backend origin, shared by every
 * backend of the process that names that origin, sized from the service's
 * `client` settings as Go's transport would use them, and `client_tls` for https origins.
 */
export class UpstreamPools implements ConnectionPools {
  private readonly pools = new Map<string, Pool>();

  private readonly tls: ConnectionOptions;

  constructor(
    private readonly client: ServicePlan['client'],
    clientTls?: ServicePlan['clientTls'],
  ) {
    this.tls = clientTlsOptions(clientTls);
  }

  get(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      const c = this.client;
      pool = new Pool(origin, {
        // Go's transport caps idle connections, not open ones: open as many as the load needs.
        connections: null,
        keepAliveTimeout: c.idleConnectionTimeoutMs > 0 ? c.idleConnectionTimeoutMs : 90_000,
        keepAliveMaxTimeout: Math.max(c.idleConnectionTimeoutMs, 600_000),
        // The endpoint deadline bounds the whole exchange; these stay off so streams can last.
        headersTimeout: c.responseHeaderTimeoutMs > 0 ? c.responseHeaderTimeoutMs : 0,
        bodyTimeout: 0,
        pipelining: 1,
        connect: connectorWithoutConnectionHeader({
          ...this.tls,
          timeout: c.dialerTimeoutMs > 0 ? c.dialerTimeoutMs : 30_000,
          keepAlive: true,
          keepAliveInitialDelay: c.dialerKeepAliveMs > 0 ? c.dialerKeepAliveMs : 15_000,
        }),
      });
      this.pools.set(origin, pool);
    }
    return pool;
  }

  async close(): Promise<void> {
    const all = [...this.pools.values()];
    this.pools.clear();
    await Promise.allSettled(all.map((p) => p.close()));
  }
}
