import { METHODS, validateHeaderName, validateHeaderValue } from 'node:http';
import { AnswerBody } from './in-process/answer-body.js';
import { openExchange, type GatewayEntry, type OpenedResponse } from './in-process/open-exchange.js';

/**
 * How a ZAP listener serves the whole gateway: each request it decodes is
 * handed in-process to the gateway's HTTP request entry (probes, draining,
 * router middleware such as CORS, auth and the widget gate, routing, the
 * endpoints), exactly as a request parsed off the HTTP port — no connection
 * to its own port, no bytes re-encoded (in-process/open-exchange.ts).
 *
 * What the HTTP hop used to decide is decided here, the same way:
 * - The ZAP peer is the client: it is the exchange's socket address, and the
 *   X-Forwarded-For, X-Real-IP and Forwarded lines it sends are dropped and
 *   X-Forwarded-For is written as the peer's address — rate limits, the
 *   widget gate, logs and Lura's X-Forwarded-For all see the peer, never an
 *   address the peer picked.
 * - Connection lines (Host, Content-Length, Connection, Transfer-Encoding,
 *   Upgrade, Expect …) are the hop's own: Host is the gateway's address (as
 *   when ZAP requests were replayed to its port), Content-Length the body's
 *   length, and Expect meaningless (the body is whole already).
 * - What the HTTP parser would refuse is refused: a method that is not an
 *   HTTP token, a target or header with bytes HTTP forbids (an error, as the
 *   HTTP client's was); a method Node's parser does not know is answered 400,
 *   heads past the server's header limit 431, as the HTTP server answers them.
 * - An answer is read up to a byte budget (the frame it must fit), then the
 *   exchange is cut off and AnswerTooLargeError thrown; nothing is buffered
 *   past the budget.
 */
export interface DispatchRequest {
  method: string;
  /** Path plus `?query`. */
  target: string;
  headers: Array<[string, string]>;
  body: Buffer;
}

export interface WholeResponse {
  status: number;
  headers: Array<[string, string]>;
  body: Buffer;
}

export type { OpenedResponse };

export class AnswerTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`the answer exceeds the ${limit}-byte budget of one ZAP frame`);
    this.name = 'AnswerTooLargeError';
  }
}

export interface DispatchLimits {
  /** The Host the gateway sees: its own HTTP address. */
  host: string;
  /** The HTTP server's head limit (`max_header_bytes`, else 1 MiB). */
  maxHeaderBytes: number;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer', 'host', 'content-length', 'expect']);
/** Lines that would let a peer name the client address; the gateway writes X-Forwarded-For itself. */
const PEER_STATED_ADDRESS = new Set(['x-forwarded-for', 'x-real-ip', 'forwarded']);
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Bytes a request target may hold on a request line. */
const BAD_TARGET = /[^\u0021-\u00ff]/;
/** Methods Node's HTTP parser takes as requests (CONNECT is a tunnel, not a request). */
const PARSED_METHODS = new Set(METHODS.filter((m) => m !== 'CONNECT'));
/** Methods whose empty body is still stated (`Content-Length: 0`), as an HTTP client states it. */
const STATES_EMPTY_BODY = new Set(['PUT', 'POST', 'PATCH', 'QUERY', 'PROPFIND', 'PROPPATCH']);
/** Node's default cap on the header lines of one request (`maxHeadersCount`); lines past it are dropped. */
const MAX_HEADER_LINES = 2000;
/** OWS the parser strips around a header value. */
const EDGE_WHITESPACE = /^[ \t]+|[ \t]+$/g;

export class GatewayDispatch {
  constructor(
    private readonly enter: GatewayEntry,
    private readonly limits: DispatchLimits,
  ) {}

  /** Hand `req` to the gateway; the answer's body is left to the caller, who must read or destroy it. */
  open(req: DispatchRequest, peerAddress: string | undefined): Promise<OpenedResponse> {
    const method = req.method || 'GET';
    if (!TOKEN.test(method)) return Promise.reject(new Error(`invalid request method ${JSON.stringify(method)}`));
    const target = req.target.startsWith('/') ? req.target : `/${req.target}`;
    if (BAD_TARGET.test(target)) return Promise.reject(new Error('invalid request path'));
    if (!PARSED_METHODS.has(method)) return Promise.resolve(refused(400));
    const peer = peerAddress?.replace(/^::ffff:/, '');
    const raw: string[] = ['host', this.limits.host];
    let size = method.length + target.length + 12 + this.limits.host.length + 8;
    try {
      for (const [k, v] of req.headers) {
        const lower = k.toLowerCase();
        if (HOP_BY_HOP.has(lower) || PEER_STATED_ADDRESS.has(lower)) continue;
        validateHeaderName(k);
        validateHeaderValue(k, v);
        raw.push(k, v.replace(EDGE_WHITESPACE, ''));
        size += k.length + v.length + 4;
      }
    } catch (e) {
      return Promise.reject(e);
    }
    if (peer) raw.push('X-Forwarded-For', peer);
    if (req.body.length > 0 || STATES_EMPTY_BODY.has(method)) raw.push('content-length', String(req.body.length));
    if (size > this.limits.maxHeaderBytes) return Promise.resolve(refused(431));
    if (raw.length > MAX_HEADER_LINES * 2) raw.length = MAX_HEADER_LINES * 2;
    return openExchange(this.enter, { method, target, rawHeaders: raw, body: req.body }, peerAddress);
  }

  /**
   * Hand `req` over and read the whole answer. `budget` gets the answer's
   * headers and returns how many body bytes may be read; one byte more
   * cuts the exchange off with AnswerTooLargeError.
   */
  async serve(req: DispatchRequest, peerAddress: string | undefined, budget: (headers: Array<[string, string]>) => number): Promise<WholeResponse> {
    const res = await this.open(req, peerAddress);
    return { status: res.status, headers: res.headers, body: await readWithin(res, budget(res.headers)) };
  }
}

/** The answer the HTTP server gives a head it refuses: the status, nothing else. */
function refused(status: number): OpenedResponse {
  const body = new AnswerBody(() => {});
  body.end();
  return { status, headers: [], length: 0, body };
}

/** An opened answer's whole body, or AnswerTooLargeError (the exchange cut off) past `limit` bytes. */
export async function readWithin(res: OpenedResponse, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for (let step = await res.body.next(); !step.done; step = await res.body.next()) {
    size += step.value.length;
    if (size > limit) {
      res.body.destroy();
      throw new AnswerTooLargeError(limit);
    }
    chunks.push(step.value);
  }
  return Buffer.concat(chunks, size);
}
