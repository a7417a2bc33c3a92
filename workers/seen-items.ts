// The sitemap and feed items already crawled for a target, with the date (lastmod, pubDate...)
// they had then, so that each run enqueues only what is new or updated. Per target, in Redis,
// bounded two ways: entries older than a TTL are forgotten (so an item is re-crawled at least
// that often, which also heals a crawl that failed), and only the newest `maxEntries` are kept.
import type { Redis } from 'ioredis';

export interface SeenItem {
  /** Normalised URL. */
  url: string;
  /** The item's date as read from its source (see crawler/sources/source-date.ts), or null. */
  date: string | null;
}

export interface SeenItemsOptions {
  maxEntries?: number;
  ttlSecs?: number;
}

export const SEEN_ITEMS_MAX_ENTRIES = 100_000;
export const SEEN_ITEMS_TTL_SECS = 30 * 24 * 3600;
// Items per Redis round trip (and per Lua call, which blocks Redis while it runs).
const BATCH = 500;
const PRUNE_BATCH = 10_000;

// KEYS: hash (url → date, '' when undated), zset (url → marked at, ms).
// ARGV: nowMs, maxEntries, ttlSecs, then url/date pairs.
const MARK_SCRIPT = `
local hash, zset = KEYS[1], KEYS[2]
local now, maxEntries, ttl = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
for i = 4, #ARGV, 2 do
  redis.call('HSET', hash, ARGV[i], ARGV[i + 1])
  redis.call('ZADD', zset, now, ARGV[i])
end
local over = redis.call('ZCARD', zset) - maxEntries
if over > 0 then
  for _, url in ipairs(redis.call('ZRANGE', zset, 0, over - 1)) do redis.call('HDEL', hash, url) end
  redis.call('ZREMRANGEBYRANK', zset, 0, over - 1)
end
redis.call('EXPIRE', hash, ttl)
redis.call('EXPIRE', zset, ttl)
return over
`;

// ARGV: the oldest score kept, batch size. Returns how many entries were forgotten.
const PRUNE_SCRIPT = `
local hash, zset = KEYS[1], KEYS[2]
local old = redis.call('ZRANGEBYSCORE', zset, '-inf', '(' .. ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, url in ipairs(old) do
  redis.call('HDEL', hash, url)
  redis.call('ZREM', zset, url)
end
return #old
`;

export class SeenItems {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly maxEntries: number;
  private readonly ttlSecs: number;

  /** `prefix` is Vigie's Redis prefix (settings.redisPrefix). */
  constructor(redis: Redis, prefix: string, options: SeenItemsOptions = {}) {
    this.redis = redis;
    this.prefix = prefix;
    this.maxEntries = options.maxEntries ?? SEEN_ITEMS_MAX_ENTRIES;
    this.ttlSecs = options.ttlSecs ?? SEEN_ITEMS_TTL_SECS;
  }

  /**
   * The items to crawl: never seen (or forgotten), or seen with another date. An undated item
   * seen before is unchanged; so is one that had a date and lost it (nothing says it changed).
   */
  async changed(targetId: string, items: readonly SeenItem[], now: Date): Promise<SeenItem[]> {
    const { hash, zset } = this.keysFor(targetId);
    await this.redis.eval(PRUNE_SCRIPT, 2, hash, zset, String(now.getTime() - this.ttlSecs * 1000), String(PRUNE_BATCH));
    const changed: SeenItem[] = [];
    for (let start = 0; start < items.length; start += BATCH) {
      const batch = items.slice(start, start + BATCH);
      const stored = await this.redis.hmget(hash, ...batch.map((item) => item.url));
      batch.forEach((item, index) => {
        const previous = stored[index];
        if (previous === null || previous === undefined || (item.date !== null && item.date !== previous)) changed.push(item);
      });
    }
    return changed;
  }

  /** Records items as crawled (enqueued) with their current date. */
  async mark(targetId: string, items: readonly SeenItem[], now: Date): Promise<void> {
    const { hash, zset } = this.keysFor(targetId);
    for (let start = 0; start < items.length; start += BATCH) {
      const pairs = items.slice(start, start + BATCH).flatMap((item) => [item.url, item.date ?? '']);
      await this.redis.eval(MARK_SCRIPT, 2, hash, zset, String(now.getTime()), String(this.maxEntries), String(this.ttlSecs), ...pairs);
    }
  }

  /** Forgets items (e.g. whose crawl failed for good), so the next run enqueues them again. */
  async forget(targetId: string, urls: readonly string[]): Promise<void> {
    const { hash, zset } = this.keysFor(targetId);
    for (let start = 0; start < urls.length; start += BATCH) {
      const batch = urls.slice(start, start + BATCH);
      await this.redis.multi().hdel(hash, ...batch).zrem(zset, ...batch).exec();
    }
  }

  async size(targetId: string): Promise<number> {
    return this.redis.zcard(this.keysFor(targetId).zset);
  }

  // Both keys share the hash tag {targetId} so the scripts stay valid on Redis Cluster. (They
  // belong in redis-keys.ts with Vigie's other keys; kept here while that file has another owner.)
  private keysFor(targetId: string): { hash: string; zset: string } {
    const base = `${this.prefix}:target:{${targetId}}:seen-items`;
    return { hash: base, zset: `${base}:marked-at` };
  }
}
