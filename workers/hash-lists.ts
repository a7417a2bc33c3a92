// The imported hash lists, in Redis so every worker process matches against the same lists.
//
// Per list, one Redis hash per kind (SHA-256, MD5, pHash): field the hash, value the line's
// optional category/source/comment ('' when none). HSETNX makes imports idempotent and counts
// duplicates. SHA-256 and MD5 are matched in Redis (HMGET: one round trip per list and page).
// pHashes are matched within a Hamming distance by a multi-index (extractors/hashes/phash-index.ts,
// the banded approach of near-duplicates.ts generalised to larger distances), which each worker
// builds from the list and keeps as a cache: it is rebuilt when the list's version (bumped by
// every import that adds and by removal) changes, so every worker sees every import at its next
// page. The search runs in the worker, not in a Lua script: at a 10-bit threshold a query probes
// 548 buckets, which in Redis's Lua took ~6 ms per image even at 50,000 entries and would block
// Redis for every other worker (docs/hash-lists.md has the figures).
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { ConfigError } from '../config/index.ts';
import type { HashKind } from '../extractors/hashes/hash-kinds.ts';
import type { HashListEntry } from '../extractors/hashes/hash-list-parser.ts';
import { PhashIndex } from '../extractors/hashes/phash-index.ts';
import type { HashEntryMeta, HashMatch } from '../extractors/hashes/match-flags.ts';
import { CATEGORIES, type Category } from '../extractors/types.ts';
import { redisKeys, type RedisKeys } from './redis-keys.ts';

export type { HashEntryMeta, HashMatch } from '../extractors/hashes/match-flags.ts';

export const LIST_NAME_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,62}$/;
/**
 * Default and largest Hamming distance for a pHash match (of 64 bits). Against a list of a million
 * entries an unrelated picture falls within 8 bits of some entry about 0.03 % of the time, within
 * 10 bits 1 %, within 12 bits 23 % (docs/hash-lists.md): 8 keeps false alerts rare on big lists.
 */
export const PHASH_THRESHOLD = { default: 8, max: 12 } as const;

export interface HashListInfo {
  name: string;
  category: Category;
  /** Largest Hamming distance (bits of 64) at which a pHash matches. */
  phashThreshold: number;
  createdAt: string;
  /** The last import into this list. */
  importedAt: string;
  counts: Record<HashKind, number>;
  /** Changes whenever pHashes are added (workers rebuild their pHash index then). */
  phashVersion: string;
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

export class HashLists {
  private readonly redis: Redis;
  private readonly keys: RedisKeys;
  /** Per list: the pHash index this worker built, and the list version it was built from. */
  private readonly phashCache = new Map<string, { version: string; index: Promise<PhashIndex> }>();

  /** `prefix`: the instance's Redis prefix (settings.redisPrefix). */
  constructor(redis: Redis, prefix: string) {
    this.redis = redis;
    this.keys = redisKeys(prefix);
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
        await this.redis.hset(this.keys.hashLists(), name, JSON.stringify({ ...storedInfo(existing), phashThreshold }));
        return { ...existing, phashThreshold };
      }
      return existing;
    }
    const now = new Date().toISOString();
    const info = { name, category, phashThreshold: phashThreshold ?? PHASH_THRESHOLD.default, createdAt: now, importedAt: now };
    // HSETNX: two imports creating the same list at once agree on one.
    await this.redis.hsetnx(this.keys.hashLists(), name, JSON.stringify(info));
    return (await this.get(name))!;
  }

  /** Adds entries to an existing list; hashes already in it are counted as duplicates. */
  async add(name: string, entries: readonly HashListEntry[]): Promise<AddResult> {
    checkName(name);
    const result: AddResult = { added: 0, duplicates: 0 };
    const addedByKind: Record<HashKind, number> = { sha256: 0, md5: 0, phash: 0 };
    if (entries.length > 0) {
      const pipeline = this.redis.pipeline();
      for (const entry of entries) pipeline.hsetnx(this.keys.hashListEntries(name, entry.kind), entry.hash, metaJson(entry));
      const replies = (await pipeline.exec()) ?? [];
      entries.forEach((entry, i) => {
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
    const counts = this.redis.pipeline();
    for (const kind of Object.keys(addedByKind) as HashKind[]) {
      if (addedByKind[kind] > 0) counts.hincrby(this.keys.hashListCounts(name), kind, addedByKind[kind]);
    }
    // Unique, not a counter: a list removed and imported again must not look like the cached one.
    if (addedByKind.phash > 0) counts.hset(this.keys.hashListCounts(name), 'phashVersion', `${Date.now()}-${randomUUID()}`);
    await counts.exec();
    return result;
  }

  /** Marks an import as finished now. */
  async touch(name: string): Promise<void> {
    const existing = await this.get(name);
    if (existing) await this.redis.hset(this.keys.hashLists(), name, JSON.stringify({ ...storedInfo(existing), importedAt: new Date().toISOString() }));
  }

  async get(name: string): Promise<HashListInfo | null> {
    const [raw, counts] = await Promise.all([this.redis.hget(this.keys.hashLists(), name), this.redis.hgetall(this.keys.hashListCounts(name))]);
    return raw ? withCounts(JSON.parse(raw) as Omit<HashListInfo, 'counts' | 'phashVersion'>, counts) : null;
  }

  async list(): Promise<HashListInfo[]> {
    const all = await this.redis.hgetall(this.keys.hashLists());
    const names = Object.keys(all).sort();
    const counts = await Promise.all(names.map((name) => this.redis.hgetall(this.keys.hashListCounts(name))));
    return names.map((name, i) => withCounts(JSON.parse(all[name]!) as Omit<HashListInfo, 'counts' | 'phashVersion'>, counts[i]!));
  }

  /** Removes a list and all its entries; false when there was none. */
  async remove(name: string): Promise<boolean> {
    checkName(name);
    const removed = await this.redis.hdel(this.keys.hashLists(), name);
    // UNLINK frees a list of millions of entries in the background, without blocking Redis.
    await this.redis.unlink(
      this.keys.hashListEntries(name, 'sha256'), this.keys.hashListEntries(name, 'md5'), this.keys.hashListEntries(name, 'phash'), this.keys.hashListCounts(name),
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
        const found = await this.redis.hmget(this.keys.hashListEntries(list.name, kind), ...wanted.map((q) => q.hash));
        found.forEach((value, i) => {
          if (value === null) return;
          const q = wanted[i]!;
          matches.push(matchOf(list, kind, q.index, q.hash, q.hash, 0, value));
        });
      }
      if (list.counts.phash > 0) matches.push(...(await this.matchPhash(list, items)));
    }
    for (const name of this.phashCache.keys()) if (!lists.some((list) => list.name === name)) this.phashCache.delete(name);
    return matches;
  }

  private async matchPhash(list: HashListInfo, items: readonly MediaHashes[]): Promise<HashMatch[]> {
    const index = await this.phashIndex(list);
    const hits = items.flatMap((item, i) => {
      const hit = item.phash ? index.nearest(item.phash, list.phashThreshold) : null;
      return hit ? [{ item: i, hash: item.phash!, hit }] : [];
    });
    if (hits.length === 0) return [];
    const metas = await this.redis.hmget(this.keys.hashListEntries(list.name, 'phash'), ...hits.map((h) => h.hit.hash));
    return hits.map((h, i) => matchOf(list, 'phash', h.item, h.hash, h.hit.hash, h.hit.distance, metas[i] ?? ''));
  }

  /** The list's pHash index, built from Redis when this worker has none or an older version. */
  private phashIndex(list: HashListInfo): Promise<PhashIndex> {
    const cached = this.phashCache.get(list.name);
    if (cached && cached.version === list.phashVersion) return cached.index;
    const index = this.loadPhashes(list.name).then((hashes) => new PhashIndex(hashes));
    this.phashCache.set(list.name, { version: list.phashVersion, index });
    index.catch(() => this.phashCache.delete(list.name));
    return index;
  }

  private async loadPhashes(name: string): Promise<string[]> {
    const hashes: string[] = [];
    let cursor = '0';
    do {
      const [next, fields] = await this.redis.hscan(this.keys.hashListEntries(name, 'phash'), cursor, 'COUNT', 10_000);
      for (let i = 0; i < fields.length; i += 2) hashes.push(fields[i]!);
      cursor = next;
    } while (cursor !== '0');
    return hashes;
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

function withCounts(info: Omit<HashListInfo, 'counts' | 'phashVersion'>, counts: Record<string, string>): HashListInfo {
  return {
    ...info,
    counts: { sha256: Number(counts.sha256 ?? 0), md5: Number(counts.md5 ?? 0), phash: Number(counts.phash ?? 0) },
    phashVersion: counts.phashVersion ?? '',
  };
}

function storedInfo(info: HashListInfo): Omit<HashListInfo, 'counts' | 'phashVersion'> {
  const { counts: _counts, phashVersion: _version, ...rest } = info;
  return rest;
}
