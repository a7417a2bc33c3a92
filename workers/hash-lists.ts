// The imported hash lists, in Redis so every worker process matches against the same lists.
//
// Per list: exact SHA-256 and MD5 hashes in one Redis hash each (field: the hash; value: the line's
// optional category/source/comment, '' when none), and pHashes in a multi-index of 4 bands of 16
// bits, as workers/near-duplicates.ts indexes simhashes, generalised to larger distances: two
// 64-bit hashes at most t bits apart have at least one band within floor(t / 4) bits (pigeonhole),
// so a lookup reads, for each band, every band value within that radius (1 + 16 + 120 = 137 per
// band at t = 10) and compares the few full hashes found there. One Lua script per list and batch
// of images, so a page costs one round trip per list. Lists are few (tens); their entries are
// many (millions): nothing is ever loaded into a worker's memory.
import type { Redis } from 'ioredis';
import { ConfigError } from '../config/index.ts';
import type { HashKind } from '../extractors/hashes/hash-kinds.ts';
import type { HashListEntry } from '../extractors/hashes/hash-list-parser.ts';
import type { HashEntryMeta, HashMatch } from '../extractors/hashes/match-flags.ts';
import { CATEGORIES, type Category } from '../extractors/types.ts';

export type { HashEntryMeta, HashMatch } from '../extractors/hashes/match-flags.ts';

export const LIST_NAME_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,62}$/;
/** Default and largest Hamming distance for a pHash match (64 bits). Beyond 12, lookups grow fast and false matches too. */
export const PHASH_THRESHOLD = { default: 10, max: 12 } as const;

export interface HashListInfo {
  name: string;
  category: Category;
  /** Largest Hamming distance (bits of 64) at which a pHash matches. */
  phashThreshold: number;
  createdAt: string;
  /** The last import into this list. */
  importedAt: string;
  counts: Record<HashKind, number>;
}

/** What to look up for one media item. */
export interface MediaHashes {
  sha256: string;
  md5?: string;
  phash?: string;
}

export interface AddResult {
  added: number;
  duplicates: number;
}

// KEYS: bands hash, meta hash. ARGV: pairs of (16-hex pHash, meta JSON or ''). Returns {added, duplicates}.
const ADD_PHASH_SCRIPT = `
local added, duplicates = 0, 0
for i = 1, #ARGV, 2 do
  local hash, meta = ARGV[i], ARGV[i + 1]
  local bucket = redis.call('HGET', KEYS[1], '0:' .. string.sub(hash, 1, 4)) or ''
  local seen = false
  for j = 1, #bucket, 16 do
    if string.sub(bucket, j, j + 15) == hash then seen = true break end
  end
  if seen then
    duplicates = duplicates + 1
  else
    added = added + 1
    for band = 0, 3 do
      local field = band .. ':' .. string.sub(hash, band * 4 + 1, band * 4 + 4)
      local current = band == 0 and bucket or (redis.call('HGET', KEYS[1], field) or '')
      redis.call('HSET', KEYS[1], field, current .. hash)
    end
    if meta ~= '' then redis.call('HSET', KEYS[2], hash, meta) end
  end
end
return { added, duplicates }
`;

// KEYS: bands hash, meta hash. ARGV[1]: threshold; ARGV[2..]: 16-hex pHashes. Returns, per query
// with a match, {query index (from 1), the closest entry, distance, meta or false}.
const MATCH_PHASH_SCRIPT = `
local threshold = tonumber(ARGV[1])
local radius = math.floor(threshold / 4)

local function popcount(x)
  local n = 0
  while x ~= 0 do
    x = bit.band(x, x - 1)
    n = n + 1
  end
  return n
end

-- Every 16-bit value within 'radius' bits of v (radius <= 3).
local function neighbours(v)
  local out = { v }
  if radius >= 1 then
    for a = 0, 15 do
      local va = bit.bxor(v, bit.lshift(1, a))
      table.insert(out, va)
      if radius >= 2 then
        for b = a + 1, 15 do
          local vb = bit.bxor(va, bit.lshift(1, b))
          table.insert(out, vb)
          if radius >= 3 then
            for c = b + 1, 15 do table.insert(out, bit.bxor(vb, bit.lshift(1, c))) end
          end
        end
      end
    end
  end
  return out
end

local results = {}
for q = 2, #ARGV do
  local query = ARGV[q]
  local hi, lo = tonumber(string.sub(query, 1, 8), 16), tonumber(string.sub(query, 9, 16), 16)
  local best, bestDistance = nil, threshold + 1
  for band = 0, 3 do
    local value = tonumber(string.sub(query, band * 4 + 1, band * 4 + 4), 16)
    for _, n in ipairs(neighbours(value)) do
      local bucket = redis.call('HGET', KEYS[1], band .. ':' .. string.format('%04x', n))
      if bucket then
        for j = 1, #bucket, 16 do
          local entry = string.sub(bucket, j, j + 15)
          local d = popcount(bit.bxor(hi, tonumber(string.sub(entry, 1, 8), 16)))
            + popcount(bit.bxor(lo, tonumber(string.sub(entry, 9, 16), 16)))
          if d < bestDistance then best, bestDistance = entry, d end
        end
      end
    end
  end
  if best then
    table.insert(results, { q - 1, best, bestDistance, redis.call('HGET', KEYS[2], best) or false })
  end
end
return results
`;

export class HashLists {
  private readonly redis: Redis;
  private readonly prefix: string;

  /** `prefix`: the instance's Redis prefix (settings.redisPrefix). */
  constructor(redis: Redis, prefix: string) {
    this.redis = redis;
    this.prefix = prefix;
  }

  /** Creates the list, or checks that an existing one has this category; returns it. */
  async ensure(name: string, category: Category, phashThreshold?: number): Promise<HashListInfo> {
    checkName(name);
    if (!(CATEGORIES as readonly string[]).includes(category)) {
      throw new ConfigError(`unknown category "${category}"`, [{ path: 'category', message: `must be one of ${CATEGORIES.join(', ')}` }]);
    }
    if (phashThreshold !== undefined && !(Number.isInteger(phashThreshold) && phashThreshold >= 0 && phashThreshold <= PHASH_THRESHOLD.max)) {
      throw new ConfigError('invalid pHash threshold', [{ path: 'threshold', message: `must be an integer from 0 to ${PHASH_THRESHOLD.max}` }]);
    }
    const existing = await this.get(name);
    if (existing) {
      if (existing.category !== category) {
        throw new ConfigError(`hash list "${name}" exists with category ${existing.category}`, [
          { path: 'category', message: `is ${category}; remove the list first to change its category` },
        ]);
      }
      if (phashThreshold !== undefined && phashThreshold !== existing.phashThreshold) {
        await this.redis.hset(this.metaKey(), name, JSON.stringify({ ...storedInfo(existing), phashThreshold }));
        return { ...existing, phashThreshold };
      }
      return existing;
    }
    const now = new Date().toISOString();
    const info = { name, category, phashThreshold: phashThreshold ?? PHASH_THRESHOLD.default, createdAt: now, importedAt: now };
    // HSETNX: two imports creating the same list at once agree on one.
    await this.redis.hsetnx(this.metaKey(), name, JSON.stringify(info));
    return (await this.get(name))!;
  }

  /** Adds entries to an existing list; hashes already in it are counted as duplicates. */
  async add(name: string, entries: readonly HashListEntry[]): Promise<AddResult> {
    checkName(name);
    const result: AddResult = { added: 0, duplicates: 0 };
    const addedByKind: Record<HashKind, number> = { sha256: 0, md5: 0, phash: 0 };
    const exact = entries.filter((entry) => entry.kind !== 'phash');
    if (exact.length > 0) {
      const pipeline = this.redis.pipeline();
      for (const entry of exact) pipeline.hsetnx(this.entriesKey(name, entry.kind), entry.hash, metaJson(entry));
      const replies = (await pipeline.exec()) ?? [];
      exact.forEach((entry, i) => {
        const [err, reply] = replies[i] ?? [new Error('no reply'), 0];
        if (err) throw err;
        if (Number(reply) === 1) {
          result.added++;
          addedByKind[entry.kind]++;
        } else {
          result.duplicates++;
        }
      });
    }
    const perceptual = entries.filter((entry) => entry.kind === 'phash');
    if (perceptual.length > 0) {
      const args = perceptual.flatMap((entry) => [entry.hash, metaJson(entry)]);
      const [added, duplicates] = (await this.redis.eval(ADD_PHASH_SCRIPT, 2, this.bandsKey(name), this.entryMetaKey(name), ...args)) as [number, number];
      result.added += Number(added);
      result.duplicates += Number(duplicates);
      addedByKind.phash += Number(added);
    }
    const counts = this.redis.pipeline();
    for (const kind of Object.keys(addedByKind) as HashKind[]) {
      if (addedByKind[kind] > 0) counts.hincrby(this.countsKey(name), kind, addedByKind[kind]);
    }
    await counts.exec();
    return result;
  }

  /** Marks an import as finished now. */
  async touch(name: string): Promise<void> {
    const existing = await this.get(name);
    if (existing) await this.redis.hset(this.metaKey(), name, JSON.stringify({ ...storedInfo(existing), importedAt: new Date().toISOString() }));
  }

  async get(name: string): Promise<HashListInfo | null> {
    const [raw, counts] = await Promise.all([this.redis.hget(this.metaKey(), name), this.redis.hgetall(this.countsKey(name))]);
    return raw ? withCounts(JSON.parse(raw) as Omit<HashListInfo, 'counts'>, counts) : null;
  }

  async list(): Promise<HashListInfo[]> {
    const all = await this.redis.hgetall(this.metaKey());
    const names = Object.keys(all).sort();
    const counts = await Promise.all(names.map((name) => this.redis.hgetall(this.countsKey(name))));
    return names.map((name, i) => withCounts(JSON.parse(all[name]!) as Omit<HashListInfo, 'counts'>, counts[i]!));
  }

  /** Removes a list and all its entries; false when there was none. */
  async remove(name: string): Promise<boolean> {
    checkName(name);
    const removed = await this.redis.hdel(this.metaKey(), name);
    // UNLINK frees a list of millions of entries in the background, without blocking Redis.
    await this.redis.unlink(
      this.entriesKey(name, 'sha256'), this.entriesKey(name, 'md5'), this.bandsKey(name), this.entryMetaKey(name), this.countsKey(name),
    );
    return removed === 1;
  }

  /** Every match of these media hashes in every list: exact SHA-256 / MD5, and pHash within each list's threshold. */
  async match(items: readonly MediaHashes[]): Promise<HashMatch[]> {
    if (items.length === 0) return [];
    const lists = await this.list();
    const matches: HashMatch[] = [];
    for (const list of lists) {
      const exactKinds = (['sha256', 'md5'] as const).filter((kind) => list.counts[kind] > 0);
      for (const kind of exactKinds) {
        const wanted = items.map((item, index) => ({ index, hash: item[kind] })).filter((q): q is { index: number; hash: string } => Boolean(q.hash));
        if (wanted.length === 0) continue;
        const found = await this.redis.hmget(this.entriesKey(list.name, kind), ...wanted.map((q) => q.hash));
        found.forEach((value, i) => {
          if (value === null) return;
          const q = wanted[i]!;
          matches.push(matchOf(list, kind, q.index, q.hash, q.hash, 0, value));
        });
      }
      if (list.counts.phash > 0) {
        const wanted = items.map((item, index) => ({ index, hash: item.phash })).filter((q): q is { index: number; hash: string } => Boolean(q.hash));
        if (wanted.length === 0) continue;
        const found = (await this.redis.eval(
          MATCH_PHASH_SCRIPT, 2, this.bandsKey(list.name), this.entryMetaKey(list.name), String(list.phashThreshold), ...wanted.map((q) => q.hash),
        )) as [number, string, number, string | null][];
        for (const [queryIndex, entry, distance, meta] of found) {
          const q = wanted[Number(queryIndex) - 1]!;
          matches.push(matchOf(list, 'phash', q.index, q.hash, entry, Number(distance), meta ?? ''));
        }
      }
    }
    return matches;
  }

  private metaKey(): string {
    return `${this.prefix}:hash-lists`;
  }

  // One hash tag per list: its keys stay in one slot on a Redis Cluster (the scripts read two).
  private entriesKey(name: string, kind: HashKind): string {
    return `${this.prefix}:hash-list:{${name}}:${kind}`;
  }

  private bandsKey(name: string): string {
    return `${this.prefix}:hash-list:{${name}}:phash-bands`;
  }

  private entryMetaKey(name: string): string {
    return `${this.prefix}:hash-list:{${name}}:phash-meta`;
  }

  private countsKey(name: string): string {
    return `${this.prefix}:hash-list:{${name}}:counts`;
  }
}

function checkName(name: string): void {
  if (!LIST_NAME_PATTERN.test(name)) {
    throw new ConfigError(`invalid hash list name "${name}"`, [{ path: 'list', message: 'lowercase letters, digits, ".", "-" and "_" (1 to 63), starting with a letter or digit' }]);
  }
}

function metaJson(entry: HashListEntry): string {
  const meta: HashEntryMeta = {};
  if (entry.category) meta.category = entry.category;
  if (entry.source) meta.source = entry.source;
  if (entry.comment) meta.comment = entry.comment;
  return Object.keys(meta).length > 0 ? JSON.stringify(meta) : '';
}

function parseMeta(raw: string): HashEntryMeta {
  if (raw === '') return {};
  try {
    return JSON.parse(raw) as HashEntryMeta;
  } catch {
    return {};
  }
}

function matchOf(list: HashListInfo, kind: HashKind, item: number, hash: string, listHash: string, distance: number, rawMeta: string): HashMatch {
  const meta = parseMeta(rawMeta);
  return { item, list: list.name, category: meta.category ?? list.category, kind, hash, listHash, distance, meta };
}

function withCounts(info: Omit<HashListInfo, 'counts'>, counts: Record<string, string>): HashListInfo {
  return { ...info, counts: { sha256: Number(counts.sha256 ?? 0), md5: Number(counts.md5 ?? 0), phash: Number(counts.phash ?? 0) } };
}

function storedInfo(info: HashListInfo): Omit<HashListInfo, 'counts'> {
  const { counts: _counts, ...rest } = info;
  return rest;
}
