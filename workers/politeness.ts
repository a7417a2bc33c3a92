// Per-host politeness that holds across every worker process: at most N requests in flight per
// host, and a minimum gap between two request starts. State lives in Redis; leases expire so a
// crashed worker cannot block a host forever. Time comes from Redis (TIME) so machines with
// skewed clocks agree.
import type { Redis } from 'ioredis';
import type { RedisKeys } from './redis-keys.ts';

// Returns 0 when the lease was granted, otherwise the milliseconds to wait before trying again.
const ACQUIRE_SCRIPT = `
local leases, nextAtKey = KEYS[1], KEYS[2]
local leaseId, maxConcurrent, minDelayMs, leaseTtlMs = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', leases, '-inf', now)
local nextAt = tonumber(redis.call('GET', nextAtKey) or '0')
if nextAt > now then return nextAt - now end
if redis.call('ZCARD', leases) >= maxConcurrent then return -1 end
redis.call('ZADD', leases, now + leaseTtlMs, leaseId)
redis.call('PEXPIRE', leases, leaseTtlMs)
if minDelayMs > 0 then redis.call('SET', nextAtKey, now + minDelayMs, 'PX', minDelayMs + 1000) end
return 0
`;

export interface HostPolicy {
  maxConcurrent: number;
  minDelayMs: number;
  /**
   * How long a lease may be held: a little more than the fetch's own deadline, so a live fetch
   * never loses its lease and a crashed worker's lease frees the host soon after.
   */
  leaseTtlMs: number;
}

export interface HostLease {
  release(): Promise<void>;
}

export class HostPoliteness {
  private readonly redis: Redis;
  private readonly keys: RedisKeys;

  constructor(redis: Redis, keys: RedisKeys) {
    this.redis = redis;
    this.keys = keys;
  }

  /**
   * One attempt: a lease, or how long to wait (ms). When the host is at its concurrency limit the
   * wait is unknown (a lease is released when a fetch ends), reported as `busyRetryMs`.
   */
  async tryAcquire(host: string, leaseId: string, policy: HostPolicy, busyRetryMs = 50): Promise<HostLease | number> {
    const result = Number(await this.redis.eval(
      ACQUIRE_SCRIPT, 2, this.keys.hostLeases(host), this.keys.hostNextAt(host),
      leaseId, String(policy.maxConcurrent), String(policy.minDelayMs), String(policy.leaseTtlMs),
    ));
    if (result === 0) {
      return { release: async () => void (await this.redis.zrem(this.keys.hostLeases(host), leaseId)) };
    }
    return result < 0 ? busyRetryMs : result;
  }
}
