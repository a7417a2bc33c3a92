// The images and downloadable files of one crawled page: collected from its HTML (static and
// rendered), fetched through the run's network guard under the host's politeness concurrency and
// the target's media caps, hashed as they stream (SHA-256 and MD5; pHash for images), matched
// against the imported hash lists. Media bytes are never written anywhere: not to disk, not to
// the evidence store, not to the WARC. A media failure is counted, never fails the page.
import { setTimeout as sleep } from 'node:timers/promises';
import { errorCode, ThrottledError } from '../config/index.ts';
import { mediaSchema, type MediaOptions } from '../config/target-schema.ts';
import { collectMedia, decodeDataUrl, fetchMedia, HashSink, type MediaFetchOptions, type MediaRef } from '../crawler/media/index.ts';
import { hashMatchFlags, phashOfImage, type HashMatch } from '../extractors/hashes/index.ts';
import type { FetchResult } from '../crawler/fetch-page.ts';
import type { RenderResult } from '../crawler/render/index.ts';
import type { Flag } from '../extractors/types.ts';
import type { AlertObservation, PageDocument, PageMedia, SearchIndex } from '../indexer/types.ts';
import type { AlertTarget, RuleSet } from '../extractors/rules/index.ts';
import { replaceRuleHits, sameFlags } from '../extractors/rules/retrohunt.ts';
import type { HashLists } from './hash-lists.ts';
import type { WorkerDeps } from './deps.ts';
import type { RunContext } from './run-context.ts';

/** Category whose match means the page's rendering must never be stored (it would show the image). */
export const WITHHOLD_CATEGORY = 'child-abuse';

export interface PageMediaResult {
  media: PageMedia[];
  flags: Flag[];
  matches: HashMatch[];
  /** Why the page's screenshot must not be stored, or null. */
  withhold: WithheldRendering | null;
  /** Run-summary counters, all under `media:` (hashed, matches, errors, error:<code>, capped). */
  counters: Record<string, number>;
}

export interface WithheldRendering {
  reason: 'hash-list-match';
  category: string;
  lists: string[];
  /** The matching media URLs (shortened `data:` ones): the analyst sees where, never what. */
  mediaUrls: string[];
}

export interface PageMediaInput {
  pageUrl: string;
  /** The fetched HTML and, when rendered, the rendered DOM. */
  html: readonly string[];
  leaseId: string;
}

// Only documents that carry markup have images and links to files.
const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml']);

/** The HTML whose media a page shows: the fetched document and, when rendered, the rendered DOM. */
export function mediaSources(fetched: Pick<FetchResult, 'contentType' | 'body'>, rendered: Pick<RenderResult, 'html'> | null): string[] {
  if (!HTML_TYPES.has(fetched.contentType)) return [];
  return rendered ? [fetched.body, rendered.html] : [fetched.body];
}

/** A politeness wait longer than this skips the item (counted) rather than holding the page. */
const MAX_LEASE_WAIT_MS = 5000;
const LEASE_MARGIN_MS = 5000;

export async function hashPageMedia(input: PageMediaInput, run: RunContext, deps: Pick<WorkerDeps, 'hashLists' | 'politeness' | 'logger'>): Promise<PageMediaResult> {
  const options: MediaOptions = run.target.media ?? mediaSchema.parse({});
  const counters: Record<string, number> = {};
  const count = (name: string, n = 1): void => void (counters[name] = (counters[name] ?? 0) + n);
  const refs = pageMediaRefs(input, options, count);
  if (refs.length === 0) return { media: [], flags: [], matches: [], withhold: null, counters };

  const media: (PageMedia | null)[] = Array.from({ length: refs.length }, () => null);
  const deadlineMs = Date.now() + options.pageBudgetMs;
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < refs.length; i = next++) {
      if (Date.now() >= deadlineMs) {
        count('media:errors');
        count('media:error:page-budget');
        continue;
      }
      try {
        media[i] = await hashOne(refs[i]!, input, run, options, deps, `${input.leaseId}:media:${i}`, deadlineMs);
        count('media:hashed');
      } catch (err) {
        count('media:errors');
        count(`media:error:${errorCode(err)}`);
        deps.logger.debug({ err, url: refs[i]!.url.slice(0, 200) }, 'media not hashed');
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, refs.length) }, worker));

  const hashed = media.filter((item): item is PageMedia => item !== null);
  const matches = await deps.hashLists.match(hashed.map((item) => ({ sha256: item.sha256, md5: item.md5, phash: item.phash })));
  if (matches.length > 0) count('media:matches', matches.length);
  const withheldMatches = matches.filter((match) => match.category === WITHHOLD_CATEGORY);
  const withhold = withheldMatches.length > 0
    ? {
        reason: 'hash-list-match' as const,
        category: WITHHOLD_CATEGORY,
        lists: [...new Set(withheldMatches.map((m) => m.list))],
        mediaUrls: [...new Set(withheldMatches.map((m) => displayUrl(hashed[m.item]!.url)))],
      }
    : null;
  const recorded = hashed.map((item) => ({ ...item, url: displayUrl(item.url) }));
  return { media: recorded, flags: hashMatchFlags(matches, recorded.map((item) => item.url)), matches, withhold, counters };
}

function pageMediaRefs(input: PageMediaInput, options: MediaOptions, count: (name: string, n?: number) => void): MediaRef[] {
  const limits = { maxImages: options.enabled ? options.maxImages : 0, maxFiles: options.files ? options.maxFiles : 0 };
  if (limits.maxImages === 0 && limits.maxFiles === 0) return [];
  const seen = new Set<string>();
  const images: MediaRef[] = [];
  const files: MediaRef[] = [];
  let capped = 0;
  for (const html of input.html) {
    const found = collectMedia(html, input.pageUrl, limits);
    capped = Math.max(capped, found.capped);
    for (const ref of found.media) {
      if (seen.has(ref.url)) continue;
      seen.add(ref.url);
      const bucket = ref.kind === 'image' ? images : files;
      if (bucket.length < (ref.kind === 'image' ? limits.maxImages : limits.maxFiles)) bucket.push(ref);
      else capped++;
    }
  }
  if (capped > 0) count('media:capped', capped);
  return [...images, ...files];
}

async function hashOne(ref: MediaRef, input: PageMediaInput, run: RunContext, options: MediaOptions, deps: Pick<WorkerDeps, 'politeness'>, leaseId: string, deadlineMs: number): Promise<PageMedia> {
  const maxBytes = ref.kind === 'image' ? options.maxImageBytes : options.maxFileBytes;
  let fetched: { mediaType: string; sha256: string; md5: string; bytes: number; content: Buffer };
  if (ref.url.startsWith('data:')) {
    const inline = decodeDataUrl(ref.url, maxBytes);
    const sink = new HashSink(false);
    sink.write(inline.bytes);
    fetched = { mediaType: inline.mediaType, ...sink.digests(), content: inline.bytes };
  } else {
    const timeoutMs = Math.max(1, Math.min(options.timeoutMs, deadlineMs - Date.now()));
    fetched = await politely(ref.url, run, deps, leaseId, timeoutMs, () => fetchMedia(ref.url, ref.kind, fetchOptions(run, ref.url, input.pageUrl, maxBytes, timeoutMs)));
  }
  const record: PageMedia = { url: ref.url, kind: ref.kind, sha256: fetched.sha256, md5: fetched.md5, bytes: fetched.bytes, mediaType: fetched.mediaType };
  if (ref.kind === 'image') {
    try {
      record.phash = await phashOfImage(fetched.content, { maxInputPixels: options.maxImagePixels });
    } catch (err) {
      // Still matched on SHA-256 and MD5; the reason is kept with the record.
      record.phashError = errorCode(err);
    }
  }
  return record;
}

function fetchOptions(run: RunContext, url: string, pageUrl: string, maxBytes: number, totalTimeoutMs: number): MediaFetchOptions {
  // Target-configured headers (credentials, cookies) go to the page's own origin only, never to
  // the image hosts and CDNs a page links to.
  const sameOrigin = new URL(url).origin === new URL(pageUrl).origin;
  return {
    guard: run.guard,
    userAgent: run.target.userAgent,
    headers: sameOrigin ? run.target.headers : {},
    connectTimeoutMs: run.target.fetch.connectTimeoutMs,
    readTimeoutMs: run.target.fetch.readTimeoutMs,
    totalTimeoutMs,
    maxRedirects: run.target.fetch.maxRedirects,
    maxBytes,
  };
}

/**
 * Under the host's politeness lease: media share its concurrency limit and wait for the gap a page
 * fetch set, but do not extend that gap themselves (a browser loads a page's images together).
 */
async function politely<T>(url: string, run: RunContext, deps: Pick<WorkerDeps, 'politeness'>, leaseId: string, timeoutMs: number, fetch: () => Promise<T>): Promise<T> {
  const host = new URL(url).host;
  const policy = { maxConcurrent: run.target.politeness.perHostConcurrency, minDelayMs: 0, leaseTtlMs: timeoutMs + LEASE_MARGIN_MS };
  let waitedMs = 0;
  for (;;) {
    const lease = await deps.politeness.tryAcquire(host, leaseId, policy);
    if (typeof lease !== 'number') {
      try {
        return await fetch();
      } finally {
        await lease.release();
      }
    }
    if (waitedMs + lease > MAX_LEASE_WAIT_MS) {
      throw new ThrottledError('media-politeness', `no politeness slot on ${host} within ${MAX_LEASE_WAIT_MS} ms`, lease);
    }
    const pause = lease + Math.floor(Math.random() * 20);
    await sleep(pause);
    waitedMs += pause;
  }
}

/** Inline images are recorded by their type and size, not their (possibly megabytes of) data. */
function displayUrl(url: string): string {
  if (!url.startsWith('data:')) return url;
  const comma = url.indexOf(',');
  return `${url.slice(0, Math.min(comma === -1 ? 40 : comma, 60))},… (${url.length} chars)`;
}

export interface MediaRetrohuntDeps {
  index: Pick<SearchIndex, 'scanPages' | 'indexPage'>;
  hashLists: Pick<HashLists, 'match'>;
  ruleSet: RuleSet;
  /** A page's target settings (thresholds, categories). */
  targetFor(targetId: string): Promise<AlertTarget>;
  /** The crawl's own observation builder (workers/page-processor: alertObservations). */
  observe(page: PageDocument, target: AlertTarget, ruleSet: RuleSet, seenAt: Date, alertContentHash: string): AlertObservation[];
}

export interface MediaRetrohuntOptions {
  /** Only this list's matches (its earlier hits are replaced); default: every list. */
  list?: string;
  targetId?: string;
  since?: string;
  dryRun?: boolean;
  batchSize?: number;
}

export interface MediaRetrohuntSummary {
  pagesScanned: number;
  /** Pages with recorded media hashes. */
  pagesWithMedia: number;
  pagesMatched: number;
  alertObservations: number;
  alertsCreated: number;
  alertsUpdated: number;
  dryRun: boolean;
  matches: { pageId: string; url: string; lists: string[]; categories: string[] }[];
  /**
   * Pages now matching a child-abuse list whose screenshot was stored before the list knew the
   * image: the screenshot shows it. Vigie cannot unsign evidence; these need an operator's decision.
   */
  screenshotsToReview: { pageId: string; url: string; screenshotSha256: string }[];
}

/**
 * Matches the media hashes recorded on indexed pages against the lists as they are now (a list
 * imported after the crawl), merges the hash-list hits into the page's flags and indexes it again
 * with the alert observations a crawl would have made. Idempotent: a second run changes nothing.
 */
export async function retrohuntPageMedia(deps: MediaRetrohuntDeps, options: MediaRetrohuntOptions = {}): Promise<MediaRetrohuntSummary> {
  const summary: MediaRetrohuntSummary = {
    pagesScanned: 0, pagesWithMedia: 0, pagesMatched: 0, alertObservations: 0, alertsCreated: 0, alertsUpdated: 0,
    dryRun: Boolean(options.dryRun), matches: [], screenshotsToReview: [],
  };
  const huntedRule = (ruleId: string): boolean => (options.list ? ruleId === `hashlist.${options.list}` : ruleId.startsWith('hashlist.'));
  let after: string | undefined;
  do {
    const batch = await deps.index.scanPages({ after, limit: options.batchSize ?? 200, targetId: options.targetId, since: options.since });
    for (const page of batch.pages) {
      summary.pagesScanned++;
      const media = page.media ?? [];
      if (media.length === 0) continue;
      summary.pagesWithMedia++;
      const matches = (await deps.hashLists.match(media.map((m) => ({ sha256: m.sha256, md5: m.md5, phash: m.phash }))))
        .filter((m) => !options.list || m.list === options.list);
      const found = hashMatchFlags(matches, media.map((m) => m.url));
      const dropped = new Set(page.flags.flatMap((f) => f.rules.map((r) => r.ruleId)).filter(huntedRule));
      if (found.length === 0 && dropped.size === 0) continue;
      const flags = replaceRuleHits(page.flags, found, dropped);
      if (sameFlags(flags, page.flags)) continue;

      summary.pagesMatched++;
      const updated: PageDocument = { ...page, flags };
      const target = await deps.targetFor(page.targetId);
      // Seen when the page was fetched: the media are what was captured then.
      const observations = deps.observe(updated, target, deps.ruleSet, new Date(page.fetchedAt), page.nearDuplicateOf ?? page.contentHash);
      summary.alertObservations += observations.length;
      if (!options.dryRun) {
        const result = await deps.index.indexPage(updated, observations);
        summary.alertsCreated += result.alertsCreated;
        summary.alertsUpdated += result.alertsUpdated;
      }
      if (summary.matches.length < 1000) {
        summary.matches.push({ pageId: page.id, url: page.url, lists: [...new Set(matches.map((m) => m.list))], categories: found.map((f) => f.category) });
      }
      const screenshot = page.evidence?.artifacts.find((a) => a.role === 'screenshot');
      if (screenshot && matches.some((m) => m.category === WITHHOLD_CATEGORY)) {
        summary.screenshotsToReview.push({ pageId: page.id, url: page.url, screenshotSha256: screenshot.sha256 });
      }
    }
    after = batch.next;
  } while (after !== undefined);
  return summary;
}

