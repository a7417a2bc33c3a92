// Investigators' saved searches that run on every new page version and raise alerts, shared by
// every process through Redis (one hash: id -> JSON). Each worker keeps the parsed list in memory
// and reloads it every few seconds, so matching a page costs no Redis round trip; a change made
// through this process's store (the desk's API in `vigie start`) is seen at once, one made by
// another process within REFRESH_MS.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { NonRetryableError, type Logger } from '../config/index.ts';
import { categoryTags } from '../extractors/categories.ts';
import { CATEGORIES, type Category } from '../extractors/types.ts';
import { alertId } from '../indexer/ids.ts';
import { matchablePage, matchesQuery } from '../indexer/search-match.ts';
import { MAX_QUERY_CHARS, SearchSyntaxError, parseSearchQuery, type SearchNode } from '../indexer/search-syntax.ts';
import type { AlertObservation, PageDocument } from '../indexer/types.ts';
import type { RedisKeys } from './redis-keys.ts';

/** Every one is tried on every new page: the cap bounds that cost. */
export const MAX_SAVED_SEARCHES = 500;
export const REFRESH_MS = 5000;
export const MAX_NAME_CHARS = 100;

/** A name goes into a machine tag `vigie:saved-search="<name>"`: no quotes, no control characters. */
export const savedSearchName = z
  .string()
  .trim()
  .min(1)
  .max(MAX_NAME_CHARS)
  .regex(/^[^"\\\p{Cc}]+$/u, 'may not hold quotes, backslashes or control characters');

export const savedSearchSchema = z.strictObject({
  id: z.string().min(1).max(100),
  name: savedSearchName,
  query: z.string().min(1).max(MAX_QUERY_CHARS),
  /** The alert category its matches are raised under. */
  category: z.enum(CATEGORIES),
  owner: z.string().min(1).max(100),
  createdAt: z.string(),
  enabled: z.boolean(),
});
export type SavedSearch = z.infer<typeof savedSearchSchema>;

export interface NewSavedSearch {
  name: string;
  query: string;
  category: Category;
  owner: string;
}

/**
 * The query as an AST, refusing what cannot be a saved search: bad syntax, and a query with
 * nothing to match on (it would raise an alert on every page crawled). Throws SearchSyntaxError.
 */
export function compileSavedQuery(query: string): SearchNode {
  const ast = parseSearchQuery(query);
  if (ast === null) throw new SearchSyntaxError('a saved search needs at least one word, phrase or field', 0);
  return ast;
}

export function savedSearchRuleId(id: string): string {
  return `saved-search:${id}`;
}

interface Compiled {
  search: SavedSearch;
  ast: SearchNode;
}

// Sets the field only if the search still exists, so an update racing a delete cannot bring it back.
const SET_IF_PRESENT = `if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) return 1 end return 0`;

export class SavedSearchStore {
  readonly #redis: Redis;
  readonly #key: string;
  readonly #refreshMs: number;
  readonly #logger: Logger | undefined;
  #cache: { loadedAtMs: number; enabled: Compiled[] } | null = null;
  #loading: Promise<Compiled[]> | null = null;

  constructor(redis: Redis, keys: RedisKeys, options: { refreshMs?: number; logger?: Logger } = {}) {
    this.#redis = redis;
    this.#key = keys.savedSearches();
    this.#refreshMs = options.refreshMs ?? REFRESH_MS;
    this.#logger = options.logger;
  }

  /** Oldest first. An entry that no longer reads as a saved search is left out (and logged). */
  async list(): Promise<SavedSearch[]> {
    const all = await this.#redis.hgetall(this.#key);
    const searches: SavedSearch[] = [];
    for (const [id, json] of Object.entries(all)) {
      const search = this.#read(id, json);
      if (search !== null) searches.push(search);
    }
    return searches.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  async get(id: string): Promise<SavedSearch | null> {
    const json = await this.#redis.hget(this.#key, id);
    return json === null ? null : this.#read(id, json);
  }

  /** Validates the query by parsing it (SearchSyntaxError) and refuses a store already full. */
  async create(input: NewSavedSearch, at: Date): Promise<SavedSearch> {
    compileSavedQuery(input.query);
    if ((await this.#redis.hlen(this.#key)) >= MAX_SAVED_SEARCHES) {
      throw new NonRetryableError('saved-searches-full', `there are already ${MAX_SAVED_SEARCHES} saved searches: delete one first`);
    }
    const search = savedSearchSchema.parse({
      id: `ss-${randomBytes(6).toString('hex')}`,
      ...input,
      createdAt: at.toISOString(),
      enabled: true,
    });
    await this.#redis.hset(this.#key, search.id, JSON.stringify(search));
    this.#cache = null;
    return search;
  }

  /** The updated search, or null when there is none with this id. */
  async setEnabled(id: string, enabled: boolean): Promise<SavedSearch | null> {
    const current = await this.get(id);
    if (current === null) return null;
    const updated = { ...current, enabled };
    const set = await this.#redis.eval(SET_IF_PRESENT, 1, this.#key, id, JSON.stringify(updated));
    this.#cache = null;
    return set === 1 ? updated : null;
  }

  async remove(id: string): Promise<boolean> {
    const removed = await this.#redis.hdel(this.#key, id);
    this.#cache = null;
    return removed === 1;
  }

  /** The enabled saved searches whose query matches the page (from the in-memory list). */
  async matching(page: PageDocument): Promise<SavedSearch[]> {
    const enabled = await this.#enabled();
    if (enabled.length === 0) return [];
    // The page tokenised once, however many searches run on it.
    const matchable = matchablePage(page);
    return enabled.filter(({ ast }) => matchesQuery(ast, matchable)).map(({ search }) => search);
  }

  async #enabled(): Promise<Compiled[]> {
    const cache = this.#cache;
    if (cache !== null && Date.now() - cache.loadedAtMs < this.#refreshMs) return cache.enabled;
    // Pages processed concurrently share one reload.
    this.#loading ??= this.#load().finally(() => {
      this.#loading = null;
    });
    return this.#loading;
  }

  async #load(): Promise<Compiled[]> {
    const loadedAtMs = Date.now();
    const enabled: Compiled[] = [];
    for (const search of await this.list()) {
      if (!search.enabled) continue;
      try {
        enabled.push({ search, ast: compileSavedQuery(search.query) });
      } catch (err) {
        // Saved under an older query language: it stays listed (to be fixed or deleted) but matches nothing.
        this.#logger?.warn({ err, savedSearchId: search.id }, 'saved search no longer parses; skipped');
      }
    }
    this.#cache = { loadedAtMs, enabled };
    return enabled;
  }

  #read(id: string, json: string): SavedSearch | null {
    try {
      return savedSearchSchema.parse(JSON.parse(json));
    } catch (err) {
      this.#logger?.warn({ err, savedSearchId: id }, 'unreadable saved search entry; skipped');
      return null;
    }
  }
}

/**
 * The page's alert observations plus one per matching saved search: category the search's,
 * rule id `saved-search:<id>`, tag `vigie:saved-search="<name>"` and score 1 (an investigator
 * asked for exactly this). Where a rule already raises the same category on the page, the search
 * joins that observation, since an alert is one per content and category.
 */
export function withSavedSearches(
  observations: readonly AlertObservation[],
  matches: readonly SavedSearch[],
  page: PageDocument,
  alertContentHash: string,
  now: Date,
): AlertObservation[] {
  const result = observations.map((observation) => ({ ...observation }));
  for (const search of matches) {
    const ruleId = savedSearchRuleId(search.id);
    const tag = `vigie:saved-search="${search.name}"`;
    const same = result.find((observation) => observation.category === search.category);
    if (same !== undefined) {
      same.score = 1;
      same.ruleIds = [...new Set([...same.ruleIds, ruleId])];
      same.tags = [...new Set([...same.tags, tag])];
      same.ruleWeights = { ...same.ruleWeights, [ruleId]: 1 };
      continue;
    }
    result.push({
      id: alertId(alertContentHash, search.category),
      category: search.category,
      score: 1,
      tags: [...categoryTags(search.category), tag],
      ruleIds: [ruleId],
      ruleWeights: { [ruleId]: 1 },
      contentHash: alertContentHash,
      pageId: page.id,
      url: page.url,
      targetId: page.targetId,
      seenAt: now.toISOString(),
    });
  }
  return result;
}
