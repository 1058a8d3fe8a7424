import { Pool } from 'undici';

/**
 * How a ZAP listener serves the whole gateway: each request it decodes is
 * replayed against the gateway's own HTTP port on loopback, so every router
 * middleware (CORS, auth, widget gate), the routing and the endpoints apply
 * exactly as for HTTP clients. The ZAP peer's address is passed as
 * X-Forwarded-For when the request carries none.
 */
export interface LoopbackRequest {
  method: string;
  /** Path plus `?query`. */
  target: string;
  headers: Array<[string, string]>;
  body: Buffer;
}

export interface LoopbackResponse {
  status: number;
  headers: Array<[string, string]>;
  body: Buffer;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer', 'host', 'content-length']);

export class GatewayLoopback {
  private readonly pool: Pool;

  constructor(port: number) {
    this.pool = new Pool(`http://127.0.0.1:${port}`, { connections: 64, pipelining: 1 });
  }

  async serve(req: LoopbackRequest, peerAddress: string | undefined): Promise<LoopbackResponse> {
    const headers: string[] = [];
    let forwarded = false;
    for (const [k, v] of req.headers) {
      const lower = k.toLowerCase();
      if (HOP_BY_HOP.has(lower)) continue;
      if (lower === 'x-forwarded-for') forwarded = true;
      headers.push(k, v);
    }
    if (!forwarded && peerAddress) headers.push('X-Forwarded-For', peerAddress.replace(/^::ffff:/, ''));
    const res = await this.pool.request({
      method: (req.method || 'GET') as 'GET',
      path: req.target.startsWith('/') ? req.target : `/${req.target}`,
      headers,
      body: req.body.length > 0 ? req.body : null,
    });
    const chunks: Buffer[] = [];
    for await (const c of res.body) chunks.push(c as Buffer);
    const out: Array<[string, string]> = [];
    for (const [k, v] of Object.entries(res.headers)) {
      if (v === undefined || HOP_BY_HOP.has(k)) continue;
      for (const one of Array.isArray(v) ? v : [v]) out.push([k, one]);
    }
    return { status: res.statusCode, headers: out, body: Buffer.concat(chunks) };
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
