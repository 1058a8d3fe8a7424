/**
 * One Redis connection per store URL in a process, however many endpoints
 * and backends name it: limits are many, connections should not be. Users
 * acquire and release; the last release closes the connection.
 */
import type { Logger } from '../../shared/log/logger.js';
import { RedisBucketStore } from './redis-bucket-store.js';

const stores = new Map<string, { store: RedisBucketStore; users: number }>();

export interface SharedRedisBucketStore {
  readonly store: RedisBucketStore;
  release(): void;
}

export function acquireRedisBucketStore(url: string, log: Logger): SharedRedisBucketStore {
  let entry = stores.get(url);
  if (entry === undefined) {
    entry = { store: new RedisBucketStore(url, log), users: 0 };
    stores.set(url, entry);
  }
  entry.users++;
  const held = entry;
  let released = false;
  return {
    store: held.store,
    release() {
      if (released) return;
      released = true;
      if (--held.users === 0) {
        stores.delete(url);
        held.store.close();
      }
    },
  };
}
