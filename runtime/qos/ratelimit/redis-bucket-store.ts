/**
 * Buckets kept in Redis (hgw's `store` option), so every gateway process
 * pointed at the same Redis enforces one limit together. Redis being down or
 * slow never fails a request and never holds it longer than one command
 * timeout: `take` answers undefined while Redis is unusable, and the caller
 * decides with its own local buckets. The log says once when that starts and
 * once when it ends (the same pattern as base_ha's read-your-writes pins).
 */
import { Redis } from 'ioredis';
import type { Logger } from '../../shared/log/logger.js';
import { withTakeTokenCommand, type TakeTokenCommand } from './redis-take-token-script.js';
import type { BucketLimits } from './token-bucket.js';
import { redactedUrl } from '../../shared/redacted-url.js';

const KEY_PREFIX = 'hgw:rl:';
export const DEFAULT_COMMAND_TIMEOUT_MS = 50;
/** While degraded, how often Redis is asked whether it answers again (a reconnect also ends it). */
const PROBE_INTERVAL_MS = 1000;

export interface RedisBucketStoreOptions {
  commandTimeoutMs?: number;
  probeIntervalMs?: number;
}

type Health = 'connecting' | 'up' | 'down';

export class RedisBucketStore {
  private readonly redis: Redis & TakeTokenCommand;
  /** The URL with its password hidden, for log lines. */
  readonly name: string;
  private readonly probeIntervalMs: number;
  private health: Health = 'connecting';
  private probe: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    url: string,
    private readonly log: Logger,
    options: RedisBucketStoreOptions = {},
  ) {
    this.name = redactedUrl(url);
    this.probeIntervalMs = options.probeIntervalMs ?? PROBE_INTERVAL_MS;
    const redis = new Redis(url, {
      lazyConnect: false,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
      connectTimeout: 1000,
      retryStrategy: (times) => Math.min(times * 200, 2000),
    });
    this.redis = withTakeTokenCommand(redis);
    // The HTTP server keeps the process alive; this connection alone must not.
    redis.on('connect', () => redis.stream?.unref?.());
    redis.on('ready', () => this.markUp());
    redis.on('error', (e: Error) => this.markDown(e));
    redis.on('close', () => this.markDown(new Error('connection closed')));
  }

  /** Whether `take` currently goes to Redis. */
  get usable(): boolean {
    return this.health === 'up' && !this.closed;
  }

  /**
   * Takes a token from the shared bucket `key`: a promise of 0 (taken) or the
   * ms until one is there, or of undefined if Redis fails on the way (never
   * rejected). Undefined, at once, while Redis is unusable.
   */
  take(key: string, limits: BucketLimits): Promise<number | undefined> | undefined {
    if (!this.usable) return undefined;
    return this.redis.hgwTakeToken(KEY_PREFIX + key, String(limits.perMs), String(limits.capacity)).then(
      (wait) => Number(wait),
      (e: Error) => {
        this.markDown(e);
        return undefined;
      },
    );
  }

  close(): void {
    this.closed = true;
    this.stopProbe();
    this.redis.disconnect();
  }

  private markUp(): void {
    if (this.closed || this.health === 'up') return;
    if (this.health === 'down') this.log.info(`[Ratelimit] store ${this.name} reachable again: limits are shared across gateways`);
    else this.log.debug(`[Ratelimit] store ${this.name} connected`);
    this.health = 'up';
    this.stopProbe();
  }

  private markDown(e: Error): void {
    if (this.closed || this.health === 'down') return;
    this.health = 'down';
    this.log.warn(`[Ratelimit] store ${this.name} unreachable (${e.message}): using this gateway's own buckets until it is back`);
    this.probe = setInterval(() => {
      if (this.redis.status !== 'ready') return; // reconnecting: 'ready' will end the outage
      this.redis.ping().then(
        () => this.markUp(),
        () => {},
      );
    }, this.probeIntervalMs);
    this.probe.unref();
  }

  private stopProbe(): void {
    if (this.probe) clearInterval(this.probe);
    this.probe = undefined;
  }
}
