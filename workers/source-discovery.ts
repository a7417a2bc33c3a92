// Sitemaps and feeds as seeds. At each run the target's sources (and, if asked, the `Sitemap:`
// lines of its seeds' robots.txt) are read again, sitemap indexes followed to a bounded depth, and
// the items that are new or whose date changed since they were last enqueued become depth-0 URLs
// of the run. Every fetch goes through the run's network guard, politeness and robots policy; a
// source that fails is counted and logged, and the run goes on with the others.
//
// Items are recorded as seen when they enter the run's frontier, not when their page completes:
// this needs no hook in the page processor, and a retried run job cannot enqueue an item twice.
// The cost: an item whose page then fails for good waits for its next date change, or for the
// seen-items TTL (SeenItems.forget lets a caller undo that sooner).
import { setTimeout as sleep } from 'node:timers/promises';
import { NonRetryableError, ThrottledError, errorCode, type Logger } from '../config/index.ts';
import { looksLikeNonHtmlResource } from '../crawler/scope.ts';
import { decodeSourceBody, parseSourceDocument, sourceContentTypes, type ParsedSource, type SourceEntry } from '../crawler/sources/index.ts';
import { normalizeUrl, urlHost } from '../crawler/url-normalize.ts';
import type { WorkerDeps } from './deps.ts';
import { enqueueUrls, frontierLimits } from './enqueue-urls.ts';
import type { RunCounters } from './frontier.ts';
import { politeFetch } from './polite-fetch.ts';
import { redisKeys } from './redis-keys.ts';
import type { RunContext } from './run-context.ts';
import { SeenItems, type SeenItem } from './seen-items.ts';

export interface DiscoveryLimits {
  /** Sitemap and feed documents fetched per run, child sitemaps included. */
  maxDocuments: number;
  /** Nesting of sitemap indexes followed: 2 = an index, its child indexes, their sitemaps. */
  maxIndexDepth: number;
  /** Distinct items read per run; further documents are not fetched. */
  maxItems: number;
  /** No new document is fetched after this long. */
  maxDurationMs: number;
  /** Waiting for a politeness slot per document before giving it up (counted as an error). */
  maxPolitenessWaitMs: number;
}

export const DEFAULT_DISCOVERY_LIMITS: DiscoveryLimits = {
  maxDocuments: 50,
  maxIndexDepth: 2,
  maxItems: 100_000,
  maxDurationMs: 10 * 60_000,
  maxPolitenessWaitMs: 60_000,
};

export interface DiscoveryOptions {
  /** The job id that claims the items in the frontier (the run job's claimer, as for seeds). */
  claimerJobId: string;
  log: Logger;
  limits?: Partial<DiscoveryLimits>;
}

export interface DiscoveryResult {
  /** For the run's counters: sources:items, sources:new, sources:errors, sources:error:<code>... */
  counters: Record<string, number>;
  /** Items enqueued (new or updated). */
  enqueued: number;
}

const ENQUEUE_BATCH = 500;
const MAX_INLINE_THROTTLE_MS = 5000;

/** Whether the target has anything for discovery to read. */
export function hasSources(run: Pick<RunContext, 'target'>): boolean {
  const { sitemaps, feeds, sitemapsFromRobots } = run.target.sources;
  return sitemaps.length > 0 || feeds.length > 0 || sitemapsFromRobots;
}

interface PendingDocument {
  url: string;
  /** 0 for the configured sources, 1 for the children of an index, and so on. */
  level: number;
}

export async function discoverSources(deps: WorkerDeps, run: RunContext, options: DiscoveryOptions): Promise<DiscoveryResult> {
  const limits = { ...DEFAULT_DISCOVERY_LIMITS, ...options.limits };
  const counters: Record<string, number> = {};
  const count = (name: string, increment = 1) => {
    if (increment > 0) counters[name] = (counters[name] ?? 0) + increment;
  };
  const failed = (url: string, err: unknown) => {
    const code = errorCode(err);
    count('sources:errors');
    count(`sources:error:${code}`);
    options.log.info({ url, code, reason: err instanceof Error ? err.message : String(err) }, 'source not read');
  };
  const startedMs = Date.now();

  const queue: PendingDocument[] = [];
  const queued = new Set<string>();
  const push = (raw: string, level: number) => {
    // Normalising also drops credentials, so a source URL never reaches a log with them.
    const url = normalizeUrl(raw);
    if (url === null) return count('sources:invalid');
    if (!queued.has(url)) {
      queued.add(url);
      queue.push({ url, level });
    }
  };
  for (const url of [...run.target.sources.sitemaps, ...run.target.sources.feeds]) push(url, 0);
  if (run.target.sources.sitemapsFromRobots) {
    for (const url of await robotsSitemaps(deps, run, failed)) push(url, 0);
  }

  const items = new Map<string, Item>();
  let documents = 0;
  while (queue.length > 0) {
    if (documents >= limits.maxDocuments || items.size >= limits.maxItems || Date.now() - startedMs > limits.maxDurationMs) {
      count('sources:skipped-limit', queue.length);
      options.log.warn({ documents, items: items.size, left: queue.length }, 'source limits reached, remaining sources not read');
      break;
    }
    const doc = queue.shift()!;
    documents++;
    const parsed = await readDocument(deps, run, doc.url, limits, count, failed);
    if (!parsed) continue;
    count('sources:documents');
    count('sources:parse-errors', parsed.errors);
    if (parsed.kind === null) {
      failed(doc.url, new NonRetryableError('source-unrecognized', `${doc.url} is not a sitemap or a feed`, { details: { url: doc.url } }));
      continue;
    }
    if (parsed.truncated) count('sources:truncated');
    for (const child of parsed.sitemaps) {
      if (doc.level >= limits.maxIndexDepth) count('sources:skipped-depth');
      // The protocol allows an index to list sitemaps of its own site only.
      else if (urlHost(child.url) === urlHost(doc.url) || run.scope.inScope(child.url)) push(child.url, doc.level + 1);
      else count('sources:skipped-foreign');
    }
    collectItems(parsed.entries, run, items, count);
  }
  count('sources:items', items.size);

  const enqueued = await enqueueChanged(deps, run, [...items.values()], options.claimerJobId, count);
  count('sources:new', enqueued);
  options.log.info({ documents, items: items.size, enqueued, errors: counters['sources:errors'] ?? 0 }, 'sources read');
  return { counters, enqueued };
}

type Item = SeenItem & { timeMs: number | null };

/** Adds a document's in-scope pages to `items`, normalised as the run's links are. */
function collectItems(entries: readonly SourceEntry[], run: RunContext, items: Map<string, Item>, count: (name: string) => void): void {
  const options = { dropParams: run.target.urls.dropParams, maxLength: run.target.urls.maxLength };
  for (const entry of entries) {
    const url = normalizeUrl(entry.url, undefined, options);
    if (url === null) count('sources:invalid');
    else if (!run.scope.inScope(url)) count('sources:out-of-scope');
    else if (looksLikeNonHtmlResource(url)) count('sources:skipped-non-html');
    else {
      const previous = items.get(url);
      const timeMs = entry.date?.timeMs ?? null;
      // The same page listed twice (a sitemap and a feed): its newest date counts.
      if (!previous || (timeMs !== null && (previous.timeMs === null || timeMs > previous.timeMs))) {
        items.set(url, { url, date: entry.date?.value ?? null, timeMs });
      }
    }
  }
}

/** The `Sitemap:` lines of the robots.txt of each seed origin. */
/**
 * The `Sitemap:` lines of the seed hosts' robots.txt that stay on the seed's host or in the
 * target's scope: a robots.txt must not send the crawler to any host it names.
 */
async function robotsSitemaps(deps: WorkerDeps, run: RunContext, failed: (url: string, err: unknown) => void): Promise<string[]> {
  const origins = new Set(run.target.seeds.map((seed) => new URL(seed).origin));
  const sitemaps: string[] = [];
  for (const origin of origins) {
    try {
      const listed = (await deps.robots.rulesFor(`${origin}/`, run)).sitemaps();
      sitemaps.push(...listed.filter((url) => urlHost(url) === urlHost(origin) || run.scope.inScope(url)));
    } catch (err) {
      failed(`${origin}/robots.txt`, err);
    }
  }
  return sitemaps;
}

async function readDocument(
  deps: WorkerDeps,
  run: RunContext,
  url: string,
  limits: DiscoveryLimits,
  count: (name: string) => void,
  failed: (url: string, err: unknown) => void,
): Promise<ParsedSource | null> {
  try {
    let crawlDelayMs = 0;
    if (run.target.robots === 'respect') {
      const rules = await deps.robots.rulesFor(url, run);
      if (!rules.isAllowed(url, run.target.userAgent)) {
        count('sources:skipped-robots');
        return null;
      }
      crawlDelayMs = rules.crawlDelayMs(run.target.userAgent) ?? 0;
    }
    const fetched = await fetchWaitingForPoliteness(deps, run, url, crawlDelayMs, limits.maxPolitenessWaitMs);
    const text = await decodeSourceBody(fetched, run.fetchOptions.maxDecompressedBytes);
    return parseSourceDocument(text, { baseUrl: fetched.finalUrl });
  } catch (err) {
    failed(url, err);
    return null;
  }
}

/**
 * politeFetch gives up with a ThrottledError when the host's slot is far off; a page job is then
 * delayed, but this runs inside the run job, which should not start over: wait here instead.
 */
async function fetchWaitingForPoliteness(deps: WorkerDeps, run: RunContext, url: string, crawlDelayMs: number, maxWaitMs: number) {
  const leaseId = `sources:${run.runId}:${url}`;
  let waitedMs = 0;
  for (;;) {
    try {
      return await politeFetch(url, run, deps.politeness, leaseId, crawlDelayMs, { allowedContentTypes: sourceContentTypes(url) });
    } catch (err) {
      // A 429 from the server is not waited for: the next run reads the source again.
      if (!(err instanceof ThrottledError) || err.code !== 'host-politeness' || waitedMs >= maxWaitMs) throw err;
      const pauseMs = Math.min(err.retryAfterMs, MAX_INLINE_THROTTLE_MS);
      await sleep(pauseMs);
      waitedMs += pauseMs;
    }
  }
}

/**
 * Enqueues the new and updated items, newest first, as depth-0 URLs of the run, and records the
 * ones that entered the frontier as seen. Stops once the run's page cap is reached: the rest stay
 * unseen, for a later run.
 */
async function enqueueChanged(
  deps: WorkerDeps,
  run: RunContext,
  items: Item[],
  claimerJobId: string,
  count: (name: string, increment?: number) => void,
): Promise<number> {
  const seen = new SeenItems(deps.redis, deps.settings.redisPrefix);
  const now = deps.clock();
  items.sort((a, b) => (b.timeMs ?? -Infinity) - (a.timeMs ?? -Infinity));
  const changed = await seen.changed(run.target.id, items, now);
  count('sources:unchanged', items.length - changed.length);

  const runSeenKey = redisKeys(deps.settings.redisPrefix).runSeen(run.runId);
  let enqueued = 0;
  for (let start = 0; start < changed.length; start += ENQUEUE_BATCH) {
    if ((await deps.redis.hlen(runSeenKey)) >= run.target.maxPagesPerRun) {
      count('sources:deferred', changed.length - start);
      break;
    }
    const batch = changed.slice(start, start + ENQUEUE_BATCH);
    await enqueueUrls(deps, run.runId, claimerJobId, batch.map((item) => item.url), 0, frontierLimits(run.target));
    // In the frontier now (claimed here, or earlier by a seed or a discovered link): it will be
    // crawled in this run. Those refused by a cap are not, and stay unseen.
    const owners = await deps.redis.hmget(runSeenKey, ...batch.map((item) => item.url));
    const inFrontier = batch.filter((_item, index) => owners[index] !== null);
    await seen.mark(run.target.id, inFrontier, now);
    enqueued += inFrontier.length;
    count('sources:deferred', batch.length - inFrontier.length);
  }
  return enqueued;
}

// --- Holding the run open while its sources are read ---------------------------------------

/** Recorded in the run's `done` set when discovery ends (not a URL, so it never collides). */
export const SOURCES_MARKER = 'vigie:sources';

// The seeds' pages may all finish before discovery has enqueued anything, which would end the
// run: discovery counts as one pending URL until it is over. Idempotent for a retried run job:
// returns 1 (held now), 0 (already held: resume) or -1 (discovery already ended: skip).
const HOLD_SCRIPT = `
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1 then return -1 end
if redis.call('HSETNX', KEYS[1], 'sources:held', '1') == 0 then return 0 end
redis.call('HINCRBY', KEYS[1], 'pending', 1)
return 1
`;

export async function holdRunForSources(deps: WorkerDeps, runId: string): Promise<'held' | 'resumed' | 'ended'> {
  const keys = redisKeys(deps.settings.redisPrefix);
  const result = Number(await deps.redis.eval(HOLD_SCRIPT, 2, keys.run(runId), keys.runDone(runId), SOURCES_MARKER));
  return result === 1 ? 'held' : result === 0 ? 'resumed' : 'ended';
}

/** Ends the hold only if one was taken (a run job that died may have died before taking it). */
export async function releaseRunHoldIfHeld(deps: WorkerDeps, runId: string, counters: RunCounters): Promise<void> {
  const held = await deps.redis.hget(redisKeys(deps.settings.redisPrefix).run(runId), 'sources:held');
  if (held) await releaseRunHold(deps, runId, counters);
}

/** Ends the hold, adding discovery's counters to the run once (a repeat changes nothing). */
export async function releaseRunHold(deps: WorkerDeps, runId: string, counters: RunCounters): Promise<void> {
  await deps.frontier.finish(runId, SOURCES_MARKER, counters, deps.clock());
}
