// A Redis index of page fingerprints (simhash, see crawler/simhash.ts) that maps near-identical
// content to one canonical content hash, across targets: a post mirrored on three sites, or an
// article republished with another date line, raises one alert rather than three.
//
// Lookup uses the pigeonhole principle: split 64 bits into 4 bands of 16; two fingerprints at most
// 3 bits apart agree exactly on at least one band. Each band value has a sorted set of the
// fingerprints that have it, so a lookup reads 4 small sets. Only canonical content is indexed:
// adding near-duplicates too would let a chain of small edits drift arbitrarily far from the
// canonical while still merging into it.
//
// Bounded: entries expire after `ttlSecs` (a canonical seen again, or duplicated, is refreshed), and
// each band set keeps its newest `maxPerBand` entries, so memory is at most about
// 4 × 65,536 × maxPerBand entries whatever the crawl volume. Atomic: find-or-add is one Lua script,
// so two workers adding near-identical content at the same moment end with one canonical.
import type { Redis } from 'ioredis';
import { ConfigError } from '../config/index.ts';
import { simhashToHex, type Simhash } from '../crawler/simhash.ts';
import type { RedisKeys } from './redis-keys.ts';

export interface NearDuplicateOptions {
  /** Fingerprints this many bits apart or fewer are near-duplicates. Up to 3 every match is found; beyond, only some. */
  maxDistance?: number;
  /** How long an entry stays without being seen again. */
  ttlSecs?: number;
  /** Entries kept per band value (the oldest go first). */
  maxPerBand?: number;
}

export interface NearDuplicateMatch {
  /** The content hash of the first content indexed with (nearly) this fingerprint. */
  canonicalContentHash: string;
  /** Bits between the two fingerprints. */
  distance: number;
}

export const NEAR_DUPLICATE_DEFAULTS = { maxDistance: 3, ttlSecs: 30 * 24 * 3600, maxPerBand: 32 } as const;

const BANDS = 4;

// KEYS: the 4 band sets of the fingerprint. ARGV: fingerprint (16 hex), content hash, maxDistance,
// ttlSecs, maxPerBand. Members are the fingerprint's 16 hex digits followed by the content hash;
// scores are when the entry was last added or refreshed (ms, Redis clock, so workers agree).
// Returns false (a new canonical, now indexed, or content already canonical) or {hash, distance}.
const FIND_OR_ADD_SCRIPT = `
local fingerprint, contentHash = ARGV[1], ARGV[2]
local maxDistance, ttlSecs, maxPerBand = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local hi, lo = tonumber(string.sub(fingerprint, 1, 8), 16), tonumber(string.sub(fingerprint, 9, 16), 16)
local time = redis.call('TIME')
local nowMs = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local oldestMs = nowMs - ttlSecs * 1000

local function popcount(x)
  local n = 0
  while x ~= 0 do
    x = bit.band(x, x - 1)
    n = n + 1
  end
  return n
end

local best, bestDistance, bestScore = nil, maxDistance + 1, nil
for i = 1, #KEYS do
  local entries = redis.call('ZRANGEBYSCORE', KEYS[i], oldestMs, '+inf', 'WITHSCORES')
  for j = 1, #entries, 2 do
    local member, score = entries[j], tonumber(entries[j + 1])
    local d = popcount(bit.bxor(hi, tonumber(string.sub(member, 1, 8), 16)))
      + popcount(bit.bxor(lo, tonumber(string.sub(member, 9, 16), 16)))
    -- The closest wins; between equals, the oldest (the first one indexed).
    if d < bestDistance or (d == bestDistance and best ~= nil and score < bestScore) then
      best, bestDistance, bestScore = member, d, score
    end
  end
end

local canonical = best and string.sub(best, 17) or nil
if canonical and canonical ~= contentHash then
  return { canonical, bestDistance }
end

-- New canonical content, or canonical content seen again: (re)index it as of now.
local self = fingerprint .. contentHash
for i = 1, #KEYS do
  redis.call('ZADD', KEYS[i], nowMs, self)
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', '(' .. oldestMs)
  redis.call('ZREMRANGEBYRANK', KEYS[i], 0, -(maxPerBand + 1))
  redis.call('EXPIRE', KEYS[i], ttlSecs)
end
return false
`;

export class NearDuplicates {
  private readonly redis: Redis;
  private readonly keys: RedisKeys;
  private readonly options: Required<NearDuplicateOptions>;

  constructor(redis: Redis, keys: RedisKeys, options: NearDuplicateOptions = {}) {
    const merged = { ...NEAR_DUPLICATE_DEFAULTS, ...options };
    const problems = [
      !isIntIn(merged.maxDistance, 0, 64) && { path: 'maxDistance', message: 'must be an integer from 0 to 64' },
      !isIntIn(merged.ttlSecs, 1, 10 * 365 * 24 * 3600) && { path: 'ttlSecs', message: 'must be a positive integer' },
      !isIntIn(merged.maxPerBand, 1, 100_000) && { path: 'maxPerBand', message: 'must be an integer from 1 to 100000' },
    ].filter((problem) => problem !== false);
    if (problems.length > 0) throw new ConfigError('invalid near-duplicate options', problems);
    this.redis = redis;
    this.keys = keys;
    this.options = merged;
  }

  /**
   * The canonical content this fingerprint nearly duplicates, or null when there is none: then
   * `contentHash` is (or already was) the canonical for it, and is indexed as such.
   */
  async findOrAdd(simhash: Simhash, contentHash: string): Promise<NearDuplicateMatch | null> {
    if (contentHash.length === 0) throw new TypeError('contentHash must not be empty');
    const hex = simhashToHex(simhash);
    const bandKeys = Array.from({ length: BANDS }, (_, band) => this.keys.nearDuplicateBand(band, hex.slice(band * 4, band * 4 + 4)));
    const result = (await this.redis.eval(
      FIND_OR_ADD_SCRIPT, BANDS, ...bandKeys,
      hex, contentHash, String(this.options.maxDistance), String(this.options.ttlSecs), String(this.options.maxPerBand),
    )) as [string, number] | null;
    return result ? { canonicalContentHash: result[0], distance: Number(result[1]) } : null;
  }
}

function isIntIn(value: number, min: number, max: number): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}
