// The crawl frontier in Redis: per-run dedup of normalised URLs, the run's caps, and the count of
// pages still pending, shared by every worker process. Idempotent under retries:
// - a URL is claimed by the job that discovered it; if that job is retried after a crash, it gets
//   the same URLs back (so it re-enqueues them; BullMQ ignores duplicate job ids), and `pending`
//   is only incremented on the first claim;
// - finishing a URL twice (a retry after the work was recorded) changes nothing the second time.
// The caps that cut URL traps (calendars, facets, session loops, one host eating the run) are
// checked in the same script, so every worker sees one consistent count. Each refusal is counted
// in the run under the cap's name: `capped:query-variants`, `capped:host`, `capped` (the run's
// page cap), `capped:depth` (see countTooDeep); one count per refused discovery, not per URL.
import type { Redis } from 'ioredis';
import { RUN_TTL_SECS, type RedisKeys } from './redis-keys.ts';

/** What a run lets into its frontier. Unset caps do not apply. */
export interface FrontierLimits {
  /** Distinct URLs per run (maxPagesPerRun). */
  maxPages: number;
  /** Distinct URLs per host (`host[:port]`) per run. */
  maxPagesPerHost?: number;
  /** Distinct query strings per URL-without-query per run; the bare path is not counted. */
  maxQueryVariantsPerPath?: number;
}

/** Run counter names of the caps, as they appear in the run's hash. */
export const CAPPED_COUNTERS = {
  pages: 'capped',
  host: 'capped:host',
  queryVariants: 'capped:query-variants',
  depth: 'capped:depth',
} as const;

// ARGV: claimer, maxPages, maxPerHost, maxVariants, ttl, then url/host/pathKey triples (pathKey
// is the URL without its query, empty when there is no query). The most specific cap is checked
// first, so the run's counters name the trap rather than its consequence.
const CLAIM_SCRIPT = `
local seen, run, hostPages, variants = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local claimer = ARGV[1]
local maxPages, maxPerHost, maxVariants, ttl = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local accepted = {}
local cappedPages, cappedHost, cappedVariants, added = 0, 0, 0, 0
local size = redis.call('HLEN', seen)
for i = 6, #ARGV, 3 do
  local url, host, pathKey = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local owner = redis.call('HGET', seen, url)
  if not owner then
    if pathKey ~= '' and tonumber(redis.call('HGET', variants, pathKey) or '0') >= maxVariants then
      cappedVariants = cappedVariants + 1
    elseif tonumber(redis.call('HGET', hostPages, host) or '0') >= maxPerHost then
      cappedHost = cappedHost + 1
    elseif size >= maxPages then
      cappedPages = cappedPages + 1
    else
      redis.call('HSET', seen, url, claimer)
      redis.call('HINCRBY', hostPages, host, 1)
      if pathKey ~= '' then redis.call('HINCRBY', variants, pathKey, 1) end
      size = size + 1
      added = added + 1
      accepted[#accepted + 1] = url
    end
  elseif owner == claimer then
    accepted[#accepted + 1] = url
  end
end
if added > 0 then redis.call('HINCRBY', run, 'pending', added) end
if cappedPages > 0 then redis.call('HINCRBY', run, '${CAPPED_COUNTERS.pages}', cappedPages) end
if cappedHost > 0 then redis.call('HINCRBY', run, '${CAPPED_COUNTERS.host}', cappedHost) end
if cappedVariants > 0 then redis.call('HINCRBY', run, '${CAPPED_COUNTERS.queryVariants}', cappedVariants) end
for k = 1, 4 do
  if k ~= 2 then redis.call('EXPIRE', KEYS[k], ttl) end
end
return accepted
`;

// Undoes claims whose jobs could not be added, so `pending` does not wait for them forever and the
// caps count them no more. ARGV: claimer, then url/host/pathKey triples.
const RELEASE_SCRIPT = `
local seen, run, hostPages, variants = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local claimer = ARGV[1]
local released = 0
for i = 2, #ARGV, 3 do
  local url, host, pathKey = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  if redis.call('HGET', seen, url) == claimer then
    redis.call('HDEL', seen, url)
    if redis.call('HEXISTS', hostPages, host) == 1 then redis.call('HINCRBY', hostPages, host, -1) end
    if pathKey ~= '' and redis.call('HEXISTS', variants, pathKey) == 1 then redis.call('HINCRBY', variants, pathKey, -1) end
    released = released + 1
  end
end
if released > 0 then redis.call('HINCRBY', run, 'pending', -released) end
return released
`;

// Links not followed because they are one hop too deep: counted once per discovery, and only
// when the URL is not already in the frontier (a deep page linking home is no trap).
const COUNT_TOO_DEEP_SCRIPT = `
local seen, run = KEYS[1], KEYS[2]
local unseen = 0
for i = 1, #ARGV do
  if redis.call('HEXISTS', seen, ARGV[i]) == 0 then unseen = unseen + 1 end
end
if unseen > 0 then redis.call('HINCRBY', run, '${CAPPED_COUNTERS.depth}', unseen) end
return unseen
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

  /**
   * Claims normalised URLs for `claimerJobId` within the run's limits (a number is the run's page
   * cap alone); returns those it must enqueue (new, or already its own).
   */
  async claim(runId: string, claimerJobId: string, urls: readonly string[], limits: number | FrontierLimits): Promise<string[]> {
    if (urls.length === 0) return [];
    const { maxPages, maxPagesPerHost, maxQueryVariantsPerPath } = typeof limits === 'number' ? { maxPages: limits } : limits;
    const result = await this.redis.eval(
      CLAIM_SCRIPT, 4, ...this.capKeys(runId),
      claimerJobId, String(maxPages), capArg(maxPagesPerHost), capArg(maxQueryVariantsPerPath), String(RUN_TTL_SECS),
      ...urls.flatMap(claimTriple),
    );
    return result as string[];
  }

  /** Releases `urls` still claimed by `claimerJobId` (their jobs were never added). */
  async release(runId: string, claimerJobId: string, urls: readonly string[]): Promise<number> {
    if (urls.length === 0) return 0;
    return Number(await this.redis.eval(RELEASE_SCRIPT, 4, ...this.capKeys(runId), claimerJobId, ...urls.flatMap(claimTriple)));
  }

  /**
   * Counts, under `capped:depth`, the URLs among `urls` that the run has not claimed: links left
   * out because they lie beyond maxDepth. Returns that number.
   */
  async countTooDeep(runId: string, urls: readonly string[]): Promise<number> {
    if (urls.length === 0) return 0;
    return Number(await this.redis.eval(COUNT_TOO_DEEP_SCRIPT, 2, this.keys.runSeen(runId), this.keys.run(runId), ...urls));
  }

  private capKeys(runId: string): [string, string, string, string] {
    return [this.keys.runSeen(runId), this.keys.run(runId), this.keys.runHostPages(runId), this.keys.runQueryVariants(runId)];
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

function capArg(cap: number | undefined): string {
  return String(cap ?? Number.MAX_SAFE_INTEGER);
}

/** url, host (with a non-default port, as politeness counts hosts) and the URL without its query. */
function claimTriple(url: string): [string, string, string] {
  const query = url.indexOf('?');
  return [url, hostPortOf(url), query === -1 ? '' : url.slice(0, query)];
}

function hostPortOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    // Callers pass normalised URLs; anything else shares one bucket rather than escaping the cap.
    return '';
  }
}
