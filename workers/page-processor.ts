// One URL of a crawl run: robots → polite fetch → parse → extract → index (durably) → alerts →
// enqueue in-scope links → record the outcome. Every step is idempotent, so a retry after a crash
// duplicates nothing; the job completes only after the document is durably indexed.
import type { Job } from 'bullmq';
import { errorCode } from '../config/index.ts';
import { parsePage } from '../crawler/parse-page.ts';
import { looksLikeNonHtmlResource } from '../crawler/scope.ts';
import { normalizeUrl } from '../crawler/url-normalize.ts';
import { analyzeText } from '../extractors/analyze.ts';
import { alertId, contentHashOf, pageId } from '../indexer/ids.ts';
import type { AlertObservation, PageDocument } from '../indexer/types.ts';
import type { FetchResult } from '../crawler/fetch-page.ts';
import type { WorkerDeps } from './deps.ts';
import { enqueueUrls } from './enqueue-urls.ts';
import { politeFetch } from './polite-fetch.ts';
import type { PageJobData } from './queues.ts';
import type { RunContext } from './run-context.ts';

export type PageOutcome =
  | { outcome: 'indexed'; pageId: string; alerts: number; entities: number; linksEnqueued: number }
  | { outcome: 'skipped'; reason: string }
  | { outcome: 'already-done' };

export async function processPage(job: Job<PageJobData>, deps: WorkerDeps): Promise<PageOutcome> {
  const { runId, url, depth } = job.data;
  const run = await deps.runContexts.get(runId);
  if (await deps.frontier.isDone(runId, url)) return { outcome: 'already-done' };

  let crawlDelayMs = 0;
  if (run.target.robots === 'respect') {
    const robots = await deps.robots.rulesFor(url, run);
    if (!robots.isAllowed(url, run.target.userAgent)) {
      await deps.frontier.finish(runId, url, { skipped: 1, 'skipped:robots': 1 }, deps.clock());
      return { outcome: 'skipped', reason: 'robots' };
    }
    crawlDelayMs = robots.crawlDelayMs(run.target.userAgent) ?? 0;
  }

  const fetchStartedMs = Date.now();
  const fetched = await politeFetch(url, run, deps.politeness, String(job.id), crawlDelayMs);
  const parsed = parsePage(fetched.body, fetched.finalUrl);
  const { entities, flags } = analyzeText(parsed.text, deps.rules);

  const page = buildPageDocument(run, job.data, fetched, parsed, entities, flags);
  const observations = alertObservations(page, run, deps.clock());
  const indexed = await deps.index.indexPage(page, observations);
  if (observations.length > 0) await deps.runs.recordLatency(runId, Date.now() - fetchStartedMs);

  const linksEnqueued = depth < run.target.maxDepth
    ? await enqueueUrls(deps, runId, String(job.id), inScopeLinks(parsed.links, run), depth + 1, run.target.maxPagesPerRun)
    : 0;

  const alertsTouched = indexed.alertsCreated + indexed.alertsUpdated;
  await deps.frontier.finish(runId, url, {
    pages: 1,
    entities: entities.length,
    alerts: alertsTouched,
    alertsNew: indexed.alertsCreated,
    invalidLinks: parsed.invalidLinks,
  }, deps.clock());
  return { outcome: 'indexed', pageId: page.id, alerts: alertsTouched, entities: entities.length, linksEnqueued };
}

/** Records a URL whose job failed for good, so the run's counts stay true and the run can end. */
export async function recordPageFailure(job: Job<PageJobData>, err: unknown, deps: WorkerDeps): Promise<void> {
  const code = errorCode(err);
  await deps.frontier.finish(job.data.runId, job.data.url, { errors: 1, [`error:${code}`]: 1 }, deps.clock());
}

function inScopeLinks(links: readonly string[], run: RunContext): string[] {
  const accepted = new Set<string>();
  for (const link of links) {
    const normalized = normalizeUrl(link);
    if (normalized && !looksLikeNonHtmlResource(normalized) && run.scope.inScope(normalized)) accepted.add(normalized);
  }
  return [...accepted];
}

function buildPageDocument(
  run: RunContext,
  job: PageJobData,
  fetched: FetchResult,
  parsed: ReturnType<typeof parsePage>,
  entities: PageDocument['entities'],
  flags: PageDocument['flags'],
): PageDocument {
  const contentHash = contentHashOf(parsed.text);
  // The id follows the final URL: two URLs redirecting to one page make one document.
  const canonicalUrl = normalizeUrl(fetched.finalUrl) ?? job.url;
  return {
    id: pageId(canonicalUrl, contentHash),
    url: job.url,
    finalUrl: fetched.finalUrl,
    targetId: run.target.id,
    runId: run.runId,
    fetchedAt: fetched.startedAt,
    httpStatus: fetched.status,
    contentType: fetched.contentType,
    title: parsed.title,
    text: parsed.text,
    language: parsed.language,
    contentHash,
    entities,
    flags,
    depth: job.depth,
  };
}

function alertObservations(page: PageDocument, run: RunContext, now: Date): AlertObservation[] {
  const wanted = run.target.categories;
  return page.flags
    .filter((flag) => flag.score >= run.alertThreshold && (wanted.length === 0 || wanted.includes(flag.category)))
    .map((flag) => ({
      id: alertId(page.contentHash, flag.category),
      category: flag.category,
      score: flag.score,
      tags: flag.tags,
      ruleIds: flag.rules.map((rule) => rule.ruleId),
      contentHash: page.contentHash,
      pageId: page.id,
      url: page.url,
      targetId: page.targetId,
      seenAt: now.toISOString(),
    }));
}
