import type { BackendPlan } from '../../plan/plan.js';
import { counter } from '../../shared/counters.js';
import { mapHost } from '../../shared/host-map.js';
import type { Upstream, UpstreamDeps, UpstreamHandler, UpstreamRequest } from '../../shared/upstream/upstream.js';
import { HttpCall } from '../http/http-call.js';
import { bufferBody, headerValue, respondJson } from '../../shared/upstream/synthetic-response.js';
import { memberPollerFor, releaseMemberPoller, type MemberPoller } from './member-poller.js';
import { shardKeyReader, type ShardKeyReader } from './shard-key.js';

const REDIRECTS = counter('gateway_base_network_307', 'base-network answers that were a 307 from the picked pod');
const SHARD_MISMATCHES = counter('gateway_base_network_shard_mismatches', 'base-network 307s with a Location, followed to the shard\'s owner');

/**
 * `github.com/hanzoai/gateway/base-network`: each request goes to the pod
 * that serves its shard (writes to the rendezvous owner, reads spread over
 * the shard's members), carrying `X-Base-Shard`. A 307 from the picked pod
 * (it is not caught up) is followed once — to the Location as an absolute
 * URL, where the Go gateway wrongly appends the path again.
 */
export function baseNetworkUpstream(backend: BackendPlan, deps: UpstreamDeps): Upstream {
  const cfg = backend.upstream;
  if (cfg.kind !== 'base-network') throw new Error('base-network upstream needs a base-network backend');
  const host = backend.hosts[0];
  if (host === undefined) throw new Error('a base-network backend needs host[0]');
  const poller = memberPollerFor(mapHost(deps.hostMap, host).replace(/\/+$/, ''), cfg.memberPollIntervalMs, cfg.memberUrlTemplate, deps.pools, deps.log);
  const net: Net = { deps, poller, shardKey: shardKeyReader(cfg.shardKeySource), askGzip: !deps.disableCompression };
  return {
    ready: poller.ready,
    dispatch(request, handler) {
      void route(net, request, handler).catch((e: Error) => handler.onError(e));
    },
    async close() {
      releaseMemberPoller(poller);
    },
  };
}

interface Net {
  deps: UpstreamDeps;
  poller: MemberPoller;
  shardKey: ShardKeyReader;
  askGzip: boolean;
}

async function route(net: Net, request: UpstreamRequest, handler: UpstreamHandler): Promise<void> {
  const shard = net.shardKey(request.headers);
  if (shard === '') return respondJson(handler, 400, '{"error":"shard_key_missing"}');
  const member = net.poller.view.pick(shard, request.method);
  if (!member) return respondJson(handler, 502, '{"error":"no_members"}');
  const body = await bufferBody(request.body);
  const headers = withShardHeader(request.headers, shard);
  new ShardCall(net, request, headers, body, handler).start(`${member.url.replace(/\/+$/, '')}${request.path}`);
}

/** All headers copied, `X-Base-Shard` set (replacing any the client sent). */
function withShardHeader(headers: readonly string[], shard: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < headers.length; i += 2) if (headers[i]!.toLowerCase() !== 'x-base-shard') out.push(headers[i]!, headers[i + 1]!);
  out.push('X-Base-Shard', shard);
  return out;
}

/** One call plus at most one 307 follow; a second 307 is `redirect_loop`. */
class ShardCall implements UpstreamHandler {
  private follows = 0;
  private connected = false;
  private abortCurrent: ((reason?: Error) => void) | null = null;
  private aborted = false;
  private location: string | null = null;

  constructor(
    private readonly net: Net,
    private readonly request: UpstreamRequest,
    private readonly headers: string[],
    private readonly body: Buffer | null,
    private readonly inner: UpstreamHandler,
  ) {}

  start(url: string): void {
    const u = new URL(url);
    let headers = this.headers;
    let addedGzip = false;
    if (this.net.askGzip && headerValue(headers, 'accept-encoding') === undefined) {
      headers = [...headers, 'Accept-Encoding', 'gzip'];
      addedGzip = true;
    }
    new HttpCall(this.net.deps.pools, u.origin, u.pathname + u.search, this.request.method, headers, this.body, addedGzip, this, this.request, false).start();
  }

  onConnect(abort: (reason?: Error) => void): void {
    this.abortCurrent = abort;
    if (this.aborted) abort(new Error('context canceled'));
    if (!this.connected) {
      this.connected = true;
      this.inner.onConnect(this.abortAll);
    }
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void, statusText: string): boolean {
    if (statusCode === 307) {
      REDIRECTS.add();
      const location = header(rawHeaders, 'location');
      if (location) {
        SHARD_MISMATCHES.add();
        if (this.follows === 1) {
          this.location = null;
          this.follows = 2; // a second 307: answered below, once this body is drained
          return true;
        }
        this.location = location;
        return true;
      }
    }
    return this.inner.onHeaders(statusCode, rawHeaders, resume, statusText);
  }

  onData(chunk: Buffer): boolean {
    return this.location !== null || this.follows === 2 ? true : this.inner.onData(chunk);
  }

  onComplete(trailers: Buffer[] | null): void {
    if (this.follows === 2) {
      const bytes = Buffer.from('{"error":"redirect_loop"}');
      this.inner.onHeaders(502, [Buffer.from('Content-Type'), Buffer.from('application/json'), Buffer.from('Content-Length'), Buffer.from(String(bytes.length))], () => {}, '');
      this.inner.onData(bytes);
      this.inner.onComplete(null);
      return;
    }
    if (this.location !== null) {
      const target = this.location;
      this.location = null;
      this.follows = 1;
      let url: string;
      try {
        url = new URL(target, this.request.url).href;
      } catch {
        this.inner.onError(new Error(`base-network: bad 307 Location ${JSON.stringify(target)}`));
        return;
      }
      this.start(url);
      return;
    }
    this.inner.onComplete(trailers);
  }

  onError(err: Error): void {
    this.inner.onError(err);
  }

  private readonly abortAll = (reason?: Error): void => {
    this.aborted = true;
    this.abortCurrent?.(reason);
  };
}

function header(raw: Buffer[], lower: string): string | undefined {
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toString('latin1').toLowerCase() === lower) return raw[i + 1]!.toString('latin1');
  return undefined;
}
