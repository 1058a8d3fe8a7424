import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import { POWERED_BY_HEADER, type Branding } from '../shared/branding.js';
import type { Logger } from '../shared/log/logger.js';
import { writeHeadLines } from '../core/responses.js';
import { BACKEND_CORS_HEADERS } from '../shared/headers/backend-cors-headers.js';
import type { UpstreamPools } from '../upstream/http/pools.js';
import type { ForwardedRequest } from './forwarded-request.js';
import { withoutHopHeaders } from './hop-headers.js';

/**
 * One proxied exchange, as Go's httputil.ReverseProxy does it: status,
 * headers and body relayed as they stream (back-pressure both ways, SSE
 * unbuffered), hop-by-hop headers dropped. A backend that cannot be reached
 * gets the policy's 502, logged as Go logs it; one that fails mid-body cuts
 * the client connection, since the status is already out.
 */
export interface RelayPolicy {
  /** The client's response header lines, from the backend's (hop-by-hop ones already counted out by the policy). */
  responseHeaders(raw: readonly string[]): string[];
  /** The answer when the backend cannot be reached. */
  badGateway(res: ServerResponse): void;
}

/** Response headers replaced on the way out: CORS is the gateway's, X-Powered-By its brand. */
const RESPONSE_DROP = new Set([...BACKEND_CORS_HEADERS, POWERED_BY_HEADER.toLowerCase()]);

/**
 * routes.yaml routes: the backend's CORS headers removed — the gateway is the
 * only source of those (stripBackendCORS) — and the gateway's brand added; a
 * 502 has an empty body, as Go's default ErrorHandler writes it.
 */
export function hostRoutePolicy(brand: Branding): RelayPolicy {
  return {
    responseHeaders(raw) {
      const lines = withoutHopHeaders(raw, RESPONSE_DROP);
      lines.push(POWERED_BY_HEADER, brand.poweredBy);
      return lines;
    },
    badGateway(res) {
      res.writeHead(502, { [POWERED_BY_HEADER]: brand.poweredBy, 'Content-Length': 0 }).end();
    },
  };
}

export class ReverseProxy {
  constructor(
    private readonly pools: UpstreamPools,
    private readonly policy: RelayPolicy,
    private readonly log: Logger,
  ) {}

  serve(req: IncomingMessage, res: ServerResponse, fwd: ForwardedRequest, label: string): void {
    const exchange = new Exchange(req, res, this.policy, this.log, `${fwd.origin}${fwd.path}`, label);
    this.pools.get(fwd.origin).dispatch(
      {
        method: (req.method ?? 'GET') as Dispatcher.HttpMethod,
        path: fwd.path,
        headers: fwd.headers,
        body: hasBody(req) ? req : null,
      },
      exchange as unknown as Dispatcher.DispatchHandler,
    );
  }
}

/** Whether the client sends a body: framed by Content-Length > 0 or Transfer-Encoding. */
function hasBody(req: IncomingMessage): boolean {
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (name === 'transfer-encoding') return true;
    if (name === 'content-length' && raw[i + 1]!.trim() !== '0') return true;
  }
  return false;
}

/** One dispatch, relayed into the client's response (undici's handler protocol). */
class Exchange {
  private abort: ((reason?: Error) => void) | null = null;
  private resume: (() => void) | null = null;
  private done = false;

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly policy: RelayPolicy,
    private readonly log: Logger,
    private readonly url: string,
    private readonly label: string,
  ) {
    res.on('close', this.onClientClose);
    res.on('drain', this.onDrain);
  }

  onConnect(abort: (reason?: Error) => void): void {
    this.abort = abort;
    if (this.res.destroyed) abort(new Error('client went away'));
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void): boolean {
    // Informational answers (100, 103) are the backend's business with us; the final one follows.
    if (statusCode < 200) return true;
    this.resume = resume;
    const raw = rawHeaders.map((b) => b.toString('latin1'));
    writeHeadLines(this.res, statusCode, this.policy.responseHeaders(raw));
    // A stream with no length (SSE, chunked) shows its status at once instead of with its first bytes.
    if (!raw.some((h, i) => i % 2 === 0 && h.toLowerCase() === 'content-length')) this.res.flushHeaders();
    return true;
  }

  onData(chunk: Buffer): boolean {
    return this.res.write(chunk);
  }

  onComplete(): void {
    this.done = true;
    this.res.end();
  }

  onError(err: Error): void {
    this.done = true;
    if (this.res.destroyed) return;
    if (this.res.headersSent) {
      this.log.error(`host route ${this.label}: the backend failed mid-response (${this.url}): ${err.message}`);
      this.res.destroy(err);
      return;
    }
    this.log.error(`http: proxy error: ${this.req.method} ${this.url}: ${err.message}`);
    this.policy.badGateway(this.res);
  }

  private readonly onDrain = (): void => {
    this.resume?.();
  };

  private readonly onClientClose = (): void => {
    if (!this.done && !this.res.writableFinished) this.abort?.(new Error('client went away'));
  };
}
