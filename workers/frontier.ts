// The crawl frontier in Redis: per-run dedup of normalised URLs, the page cap, and the count of
// pages still pending, shared by every worker process. Idempotent under retries:
// - a URL is claimed by the job that discovered it; if that job is retried after a crash, it gets
//   the same URLs back (so it re-enqueues them; BullMQ ignores duplicate job ids), and `pending`
//   is only incremented on the first claim;
// - finishing a URL twice (a retry after the work was recorded) changes nothing the second time.
import type { Redis } from 'ioredis';
import { RUN_TTL_SECS, type RedisKeys } from './redis-keys.ts';

const CLAIM_SCRIPT = `
local seen, run = KEYS[1], KEYS[2]
local claimer, maxPages, ttl = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local accepted, capped = {}, 0
for i = 4, #ARGV do
  local url = ARGV[i]
  local owner = redis.call('HGET', seen, url)
  if not owner then
    if redis.call('HLEN', seen) < maxPages then
      redis.call('HSET', seen, url, claimer)
      redis.call('HINCRBY', run, 'pending', 1)
      accepted[#accepted + 1] = url
    else
      capped = capped + 1
    end
  elseif owner == claimer then
    accepted[#accepted + 1] = url
  end
end
if capped > 0 then redis.call('HINCRBY', run, 'capped', capped) end
redis.call('EXPIRE', seen, ttl)
return accepted
`;

// Undoes claims whose jobs could not be added, so `pending` does not wait for them forever.
const RELEASE_SCRIPT = `
local seen, run, claimer = KEYS[1], KEYS[2], ARGV[1]
local released = 0
for i = 2, #ARGV do
  if redis.call('HGET', seen, ARGV[i]) == claimer then
    redis.call('HDEL', seen, ARGV[i])
    released = released + 1
  end
end
if released > 0 then redis.call('HINCRBY', run, 'pending', -released) end
return released
`;

// ARGV: url, finishedAtIso, then field/increment pairs for the run's counters.
const FINISH_SCRIPT = `
local done, run = KEYS[1], KEYS[2]
if redis.call('SADD', done, ARGV[1]) == 0 then return -1 end
redis.call('EXPIRE', done, ${RUN_TTL_SECS})
redis.call('EXPIRE', run, ${RUN_TTL_SECS})
for i = 3, #ARGV, 2 do redis.call('HINCRBY', run, ARGV[i], ARGV[i + 1]) end
local pending = redis.call('HINCRBY', run, 'pending', -1)
if pending <= 0 then redis.call('HSET', run, 'status', 'finished', 'finishedAt', ARGV[2]) end
return pending
`;

export type RunCounters = Partial<Record<string, number>>;

export class Frontier {
  private readonly redis: Redis;
  private readonly keys: RedisKeys;

  constructor(redis: Redis, keys: RedisKeys) {
    this.redis = redis;
    this.keys = keys;
  }

  /** Claims URLs for `claimerJobId`; returns those it must enqueue (new, or already its own). */
  async claim(runId: string, claimerJobId: string, urls: readonly string[], maxPages: number): Promise<string[]> {
    if (urls.length === 0) return [];
    const result = await this.redis.eval(
      CLAIM_SCRIPT, 2, this.keys.runSeen(runId), this.keys.run(runId),
      claimerJobId, String(maxPages), String(RUN_TTL_SECS), ...urls,
    );
    return result as string[];
  }

  /** Releases `urls` still claimed by `claimerJobId` (their jobs were never added). */
  async release(runId: string, claimerJobId: string, urls: readonly string[]): Promise<number> {
    if (urls.length === 0) return 0;
    return Number(await this.redis.eval(RELEASE_SCRIPT, 2, this.keys.runSeen(runId), this.keys.run(runId), claimerJobId, ...urls));
  }

  async isDone(runId: string, url: string): Promise<boolean> {
    return (await this.redis.sismember(this.keys.runDone(runId), url)) === 1;
  }

  /**
   * Records the final outcome of a URL (counters such as pages, errors, error codes) once, and
   * returns the pages still pending in the run, or -1 if this URL was already finished.
   */
  async finish(runId: string, url: string, counters: RunCounters, finishedAt: Date): Promise<number> {
    const pairs: string[] = [];
    for (const [field, increment] of Object.entries(counters)) {
      if (increment) pairs.push(field, String(increment));
    }
    const result = await this.redis.eval(
      FINISH_SCRIPT, 2, this.keys.runDone(runId), this.keys.run(runId),
      url, finishedAt.toISOString(), ...pairs,
    );
    return Number(result);
  }
}
