// robots.txt per origin, fetched once and shared by every worker through Redis (1 hour), parsed
// once per process. Per RFC 9309: a 4xx means no restrictions; a server error or an unreachable
// host means no page may be fetched for now: pages fail with a retryable `robots-unavailable`
// (so they are tried again with backoff) rather than being skipped for good. That state is
// cached for a few seconds so concurrent pages do not all ask again.
import type { Redis } from 'ioredis';
import { RetryableError, VigieError } from '../config/index.ts';
import { fetchPage } from '../crawler/fetch-page.ts';
import { parseRobots, type RobotsRules } from '../crawler/robots.ts';
import type { RedisKeys } from './redis-keys.ts';
import type { RunContext } from './run-context.ts';

const ALLOW_ALL = '';
/** Stored instead of a body while robots.txt cannot be read (a NUL never appears in a real one). */
const UNAVAILABLE = '\u0000unavailable';
const ROBOTS_TTL_SECS = 3600;
// Short, so that the backoff of a retried page (2 s, then 4 s) reaches a fresh download.
const UNAVAILABLE_TTL_SECS = 5;
const ROBOTS_MAX_BYTES = 512 * 1024;
const PAGE_FAILURE_CODES = new Set(['network-refused', 'dns-not-found', 'bad-url', 'unsupported-scheme', 'tor-required', 'proxy-auth', 'proxy-refused']);

export class RobotsCache {
  private readonly redis: Redis;
  private readonly keys: RedisKeys;
  private readonly parsed = new Map<string, { rules: RobotsRules; expiresAt: number }>();
  /** One download per origin at a time in this process. */
  private readonly inFlight = new Map<string, Promise<{ body: string; ttlSecs: number }>>();

  constructor(redis: Redis, keys: RedisKeys) {
    this.redis = redis;
    this.keys = keys;
  }

  async rulesFor(url: string, run: RunContext): Promise<RobotsRules> {
    const origin = new URL(url).origin;
    const cached = this.parsed.get(origin);
    if (cached && cached.expiresAt > Date.now()) return cached.rules;

    const robotsUrl = `${origin}/robots.txt`;
    let body = await this.redis.get(this.keys.robots(origin));
    let ttlSecs = ROBOTS_TTL_SECS;
    if (body === null) {
      let download = this.inFlight.get(origin);
      if (!download) {
        download = this.download(robotsUrl, run).finally(() => this.inFlight.delete(origin));
        this.inFlight.set(origin, download);
      }
      ({ body, ttlSecs } = await download);
      await this.redis.set(this.keys.robots(origin), body, 'EX', ttlSecs);
    }
    if (body === UNAVAILABLE) {
      throw new RetryableError('robots-unavailable', `${robotsUrl} cannot be read now; pages of ${origin} wait for it`);
    }
    const rules = parseRobots(robotsUrl, body);
    if (this.parsed.size > 1000) this.parsed.clear();
    this.parsed.set(origin, { rules, expiresAt: Date.now() + ttlSecs * 1000 });
    return rules;
  }

  private async download(robotsUrl: string, run: RunContext): Promise<{ body: string; ttlSecs: number }> {
    try {
      const result = await fetchPage(robotsUrl, {
        ...run.fetchOptions,
        maxBytes: ROBOTS_MAX_BYTES,
        maxDecompressedBytes: ROBOTS_MAX_BYTES,
        allowedContentTypes: ['text/plain', 'text/html', 'application/octet-stream'],
      });
      return { body: result.body, ttlSecs: ROBOTS_TTL_SECS };
    } catch (err) {
      // The page itself would be refused for the same reason: let it fail with that reason.
      if (err instanceof VigieError && PAGE_FAILURE_CODES.has(err.code)) throw err;
      const status = err instanceof VigieError ? Number(err.details.status ?? 0) : 0;
      if (status >= 400 && status < 500) return { body: ALLOW_ALL, ttlSecs: ROBOTS_TTL_SECS };
      if (err instanceof VigieError && err.code === 'content-type-refused') return { body: ALLOW_ALL, ttlSecs: ROBOTS_TTL_SECS };
      return { body: UNAVAILABLE, ttlSecs: UNAVAILABLE_TTL_SECS };
    }
  }
}
