// Watch targets as applied by ops, shared by every process through Redis.
import type { Redis } from 'ioredis';
import { targetSchema, type WatchTarget } from '../config/index.ts';
import type { RedisKeys } from './redis-keys.ts';

export class TargetStore {
  private readonly redis: Redis;
  private readonly keys: RedisKeys;

  constructor(redis: Redis, keys: RedisKeys) {
    this.redis = redis;
    this.keys = keys;
  }

  async list(): Promise<WatchTarget[]> {
    const all = await this.redis.hgetall(this.keys.targets());
    return Object.values(all)
      .map((json) => targetSchema.parse(JSON.parse(json)))
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  async get(id: string): Promise<WatchTarget | null> {
    const json = await this.redis.hget(this.keys.targets(), id);
    return json ? targetSchema.parse(JSON.parse(json)) : null;
  }

  /** Stores one target, adding it or replacing the one with its id. */
  async put(target: WatchTarget): Promise<void> {
    await this.redis.hset(this.keys.targets(), target.id, JSON.stringify(target));
  }

  /** Removes one target; false when there was none with that id. */
  async remove(id: string): Promise<boolean> {
    return (await this.redis.hdel(this.keys.targets(), id)) === 1;
  }

  /** Makes the stored set exactly `targets` (a target missing from the list is removed). */
  async replaceAll(targets: readonly WatchTarget[]): Promise<{ removed: string[] }> {
    const existing = await this.redis.hkeys(this.keys.targets());
    const keep = new Set(targets.map((t) => t.id));
    const removed = existing.filter((id) => !keep.has(id));
    const tx = this.redis.multi();
    if (removed.length > 0) tx.hdel(this.keys.targets(), ...removed);
    for (const target of targets) tx.hset(this.keys.targets(), target.id, JSON.stringify(target));
    await tx.exec();
    return { removed };
  }
}
