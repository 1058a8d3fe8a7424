import type { Dispatcher } from 'undici';
import { parseJson } from '../../shared/json/parse-json.js';
import { isJsonObject, type JsonValue } from '../../shared/json/json-number.js';
import { counter } from '../../shared/counters.js';
import type { Logger } from '../../shared/log/logger.js';
import type { ConnectionPools } from '../../shared/upstream/upstream.js';
import { MembershipView, type Member } from './membership.js';


/**
 * Polls `GET {host}/-/base/members` (3 s timeout, 1 MiB limit) and keeps the
 * last good view when a poll fails; a good poll with no members empties it.
 * Members come as `{id,url,shards}` objects (the Go gateway's form) or as bare
 * node ids (what Hanzo Base serves), whose URL the template gives. One poller
 * per host in the process.
 */
const BODY_LIMIT = 1 << 20;
const TIMEOUT_MS = 3000;
const MEMBER_POLLS = counter('gateway_base_network_member_polls', 'base-network polls of /-/base/members');
const pollers = new Map<string, MemberPoller>();

export function memberPollerFor(host: string, intervalMs: number, template: string, pools: ConnectionPools, log: Logger): MemberPoller {
  let poller = pollers.get(host);
  if (!poller) {
    poller = new MemberPoller(host, intervalMs, template, pools.get(new URL(host).origin), log);
    pollers.set(host, poller);
  }
  poller.users++;
  return poller;
}

export function releaseMemberPoller(poller: MemberPoller): void {
  if (--poller.users > 0) return;
  poller.stop();
  for (const [host, p] of pollers) if (p === poller) pollers.delete(host);
}

export class MemberPoller {
  view = new MembershipView([]);
  readonly ready: Promise<void>;
  users = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly path: string;

  constructor(
    private readonly host: string,
    intervalMs: number,
    private readonly template: string,
    private readonly pool: Dispatcher,
    private readonly log: Logger,
  ) {
    const url = new URL(host);
    this.path = `${url.pathname.replace(/\/$/, '')}/-/base/members`;
    const first = this.poll();
    this.ready = Promise.race([first, new Promise<void>((r) => setTimeout(r, TIMEOUT_MS).unref())]);
    this.timer = setInterval(() => void this.poll(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async poll(): Promise<void> {
    MEMBER_POLLS.add();
    try {
      const res = await this.pool.request({ method: 'GET', path: this.path, headersTimeout: TIMEOUT_MS, bodyTimeout: TIMEOUT_MS, signal: AbortSignal.timeout(TIMEOUT_MS) });
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const c of res.body) {
        size += (c as Buffer).length;
        if (size > BODY_LIMIT) throw new Error('membership response over 1 MiB');
        chunks.push(c as Buffer);
      }
      if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}`);
      const body = parseJson(Buffer.concat(chunks).toString('utf8'));
      this.view = new MembershipView(this.members(body));
    } catch (e) {
      this.log.warn(`[BACKEND: base-network] membership poll ${this.host}/-/base/members failed, keeping the last view: ${(e as Error).message}`);
    }
  }

  private members(body: JsonValue): Member[] {
    const list = isJsonObject(body) && Array.isArray(body.members) ? body.members : undefined;
    if (!list) throw new Error('no "members" list in the membership response');
    const out: Member[] = [];
    for (const m of list) {
      if (typeof m === 'string') {
        if (m !== '') out.push({ id: m, url: this.urlOf(m), shards: [] });
        continue;
      }
      if (!isJsonObject(m) || typeof m.id !== 'string' || typeof m.url !== 'string' || m.id === '' || m.url === '') continue;
      const shards = Array.isArray(m.shards) ? m.shards.filter((s): s is string => typeof s === 'string') : [];
      out.push({ id: m.id, url: m.url, shards });
    }
    return out;
  }

  /** A bare node id → URL: `{id}` plus the headless service and port of host[0]. */
  private urlOf(id: string): string {
    const host = new URL(this.host);
    const port = host.port || (host.protocol === 'https:' ? '443' : '80');
    return this.template.replaceAll('{id}', id).replaceAll('{service}', host.hostname).replaceAll('{port}', port);
  }
}
