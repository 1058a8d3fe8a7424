import { Redis } from 'ioredis';
import type { Logger } from '../../shared/log/logger.js';
import { LocalPins, type PinStore } from './local-pins.js';
import { redactedUrl } from '../../shared/redacted-url.js';

/**
 * Pins shared by every gateway replica through Redis (`read_your_writes_store`),
 * so a read that lands on another replica than the write is still pinned.
 * Redis being down never fails a request: answers fall back to the local pins
 * (always written too), and the log says when that starts and ends.
 */
const KEY_PREFIX = 'hgw:ryw:';
const COMMAND_TIMEOUT_MS = 100;

export class RedisPins implements PinStore {
  private readonly redis: Redis;
  private readonly local: LocalPins;
  private degraded = false;

  constructor(
    url: string,
    private readonly ttlMs: number,
    private readonly log: Logger,
  ) {
    this.local = new LocalPins(ttlMs);
    this.redis = new Redis(url, {
      lazyConnect: false,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: COMMAND_TIMEOUT_MS,
      connectTimeout: 1000,
      retryStrategy: (times) => Math.min(times * 200, 2000),
    });
    this.redis.on('error', (e: Error) => this.markDegraded(e));
    this.redis.on('ready', () => {
      if (this.degraded) {
        this.degraded = false;
        this.log.info(`[BACKEND: base_ha] read-your-writes store ${redactedUrl(url)} reachable again: pins are shared across gateways`);
      }
    });
  }

  async isPinned(key: string): Promise<boolean> {
    if (this.local.isPinned(key)) return true;
    try {
      return (await this.redis.exists(KEY_PREFIX + key)) === 1;
    } catch (e) {
      this.markDegraded(e as Error);
      return false;
    }
  }

  pin(key: string): void {
    this.local.pin(key);
    this.redis.set(KEY_PREFIX + key, '1', 'PX', this.ttlMs).catch((e: Error) => this.markDegraded(e));
  }

  close(): void {
    this.local.close();
    this.redis.disconnect();
  }

  private markDegraded(e: Error): void {
    if (this.degraded) return;
    this.degraded = true;
    this.log.warn(`[BACKEND: base_ha] read-your-writes store unreachable (${e.message}): using this gateway's own pins until it is back`);
  }
}
