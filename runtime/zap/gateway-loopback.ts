import { Pool } from 'undici';

/**
 * How a ZAP listener serves the whole gateway: each request it decodes is
 * replayed against the gateway's own HTTP port on loopback, so every router
 * middleware (CORS, auth, widget gate), the routing and the endpoints apply
 * exactly as for HTTP clients.
 *
 * Two rules make that hop safe:
 * - The ZAP peer is the client. A peer is not an HTTP proxy of ours, so the
 *   X-Forwarded-For, X-Real-IP and Forwarded lines it sends are dropped and
 *   X-Forwarded-For is set to the peer's socket address. The loopback hop is a
 *   trusted proxy (the default trusted set), so rate limits, the widget gate,
 *   logs and Lura's X-Forwarded-For all see the peer — never an address the
 *   peer picked.
 * - An answer is read up to a byte budget (the frame it must fit), then the
 *   replay is cut off and AnswerTooLargeError thrown; nothing is buffered
 *   past the budget.
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

/** An answer whose head is in and whose body is still to be read. */
export interface OpenedResponse {
  status: number;
  headers: Array<[string, string]>;
  /** The answer's Content-Length; undefined when it states none (SSE, chunked): its end is unknown until it comes. */
  length: number | undefined;
  body: AsyncIterable<Buffer> & { destroy(err?: Error): void };
}

export class AnswerTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`the answer exceeds the ${limit}-byte budget of one ZAP frame`);
    this.name = 'AnswerTooLargeError';
  }
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer', 'host', 'content-length']);
/** Lines that would let a peer name the client address; the gateway writes X-Forwarded-For itself. */
const PEER_STATED_ADDRESS = new Set(['x-forwarded-for', 'x-real-ip', 'forwarded']);

export class GatewayLoopback {
  private readonly pool: Pool;

  constructor(port: number) {
    this.pool = new Pool(`http://127.0.0.1:${port}`, { connections: 64, pipelining: 1 });
  }

  /** Replay `req`; the answer's body is left to the caller, who must read or destroy it. */
  async open(req: LoopbackRequest, peerAddress: string | undefined): Promise<OpenedResponse> {
    const headers: string[] = [];
    for (const [k, v] of req.headers) {
      const lower = k.toLowerCase();
      if (HOP_BY_HOP.has(lower) || PEER_STATED_ADDRESS.has(lower)) continue;
      headers.push(k, v);
    }
    if (peerAddress) headers.push('X-Forwarded-For', peerAddress.replace(/^::ffff:/, ''));
    const res = await this.pool.request({
      method: (req.method || 'GET') as 'GET',
      path: req.target.startsWith('/') ? req.target : `/${req.target}`,
      headers,
      body: req.body.length > 0 ? req.body : null,
    });
    const out: Array<[string, string]> = [];
    for (const [k, v] of Object.entries(res.headers)) {
      if (v === undefined || HOP_BY_HOP.has(k)) continue;
      for (const one of Array.isArray(v) ? v : [v]) out.push([k, one]);
    }
    const length = res.headers['content-length'];
    return { status: res.statusCode, headers: out, length: typeof length === 'string' && /^\d+$/.test(length) ? Number(length) : undefined, body: res.body as OpenedResponse['body'] };
  }

  /**
   * Replay `req` and read the whole answer. `budget` gets the answer's
   * headers and returns how many body bytes may be read; one byte more
   * aborts the replay with AnswerTooLargeError.
   */
  async serve(req: LoopbackRequest, peerAddress: string | undefined, budget: (headers: Array<[string, string]>) => number): Promise<LoopbackResponse> {
    const res = await this.open(req, peerAddress);
    return { status: res.status, headers: res.headers, body: await readWithin(res, budget(res.headers)) };
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** An opened answer's whole body, or AnswerTooLargeError (the replay cut off) past `limit` bytes. */
export async function readWithin(res: OpenedResponse, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of res.body) {
    size += c.length;
    if (size > limit) {
      res.body.destroy();
      throw new AnswerTooLargeError(limit);
    }
    chunks.push(c);
  }
  return Buffer.concat(chunks, size);
}
