// One URL of a crawl run: robots → conditional, polite fetch (and a render when the target asks)
// → evidence (WARC, artifacts, signed manifest) → parse → extract → index (durably) → alerts →
// enqueue in-scope links → record the outcome. An unchanged page (304, or the same main text)
// raises nothing new but still gives its links. Every step is idempotent, so a retry after a
// crash duplicates nothing; the job completes only after the document is durably indexed.
import type { Job } from 'bullmq';
import { errorCode } from '../config/index.ts';
import { looksLikeNonHtmlResource } from '../crawler/scope.ts';
import { simhash64 } from '../crawler/simhash.ts';
import { normalizeUrl } from '../crawler/url-normalize.ts';
import { analyzeText } from '../extractors/analyze.ts';
import { pageContextOf } from '../extractors/phishing/index.ts';
import { mergeFlags } from '../extractors/merge-flags.ts';
import { alertingFlags, resolveOverrides, type AlertTarget, type RuleSet } from '../extractors/rules/index.ts';
import { alertId, contentHashOf, pageId } from '../indexer/ids.ts';
import type { AlertObservation, PageDocument } from '../indexer/types.ts';
import type { FetchResult } from '../crawler/fetch-page.ts';
import type { WorkerDeps } from './deps.ts';
import { enqueueUrls, frontierLimits } from './enqueue-urls.ts';
import { capturePage, type PageCapture } from './page-capture.ts';
import { hashPageMedia, mediaSources } from './page-media.ts';
import { recordEvidence, type PageEvidence } from './page-evidence.ts';
import { linksOfPreviousVersion, sameTextVersion } from './previous-version.ts';
import { validatorsAfterNotModified, validatorsOf, type PageVersion } from './recrawl-store.ts';
import type { PageJobData } from './queues.ts';
import type { RunContext } from './run-context.ts';
import { withSavedSearches } from './saved-searches.ts';

export type PageOutcome =
  | { outcome: 'indexed'; pageId: string; alerts: number; entities: number; linksEnqueued: number }
  | { outcome: 'unchanged'; pageId: string; linksEnqueued: number }
  | { outcome: 'skipped'; reason: string }
  | { outcome: 'already-done' };

export async function processPage(job: Job<PageJobData>, deps: WorkerDeps): Promise<PageOutcome> {
  const { runId, url } = job.data;
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
  const held = await deps.recrawl.get(run.target.id, url);
  // The version held may be this run's own, stored before a crash stopped the job short of
  // finishing: the retry then redoes the page as new in this run (ids are deterministic, nothing
  // is duplicated), linked to the version before it, rather than counting it as unchanged.
  const sameRunRetry = held !== null && held.runId === runId;
  const previous = sameRunRetry ? null : held;
  const previousManifest = sameRunRetry ? (held.previousManifestSha256 ?? null) : (held?.manifestSha256 ?? null);
  const changed = sameRunRetry ? held.changed === true : held !== null;
  const capture = await capturePage(url, run, deps, String(job.id), crawlDelayMs, previous);
  if (capture.kind === 'not-modified' && previous) {
    await deps.recrawl.touch(run.target.id, url, previous, validatorsAfterNotModified(previous, capture.fetched.headers));
    const links = await linksOfPreviousVersion(deps.evidence.store, previous, run.fetchOptions);
    return finishUnchanged(job, deps, run, previous.pageId, links, { notModified: 1 });
  }
  if (capture.kind === 'not-modified') throw new Error('a 304 without a stored version');

  const { fetched, rendered, parsed } = capture;
  const contentHash = contentHashOf(parsed.text);
  if (previous && previous.contentHash === contentHash) {
    // The same main text as the version we hold: nothing new to analyse or raise, no new version
    // (only, with new validators, the bytes a later 304 will stand for).
    const current = await sameTextVersion(deps.evidence.store, previous, fetched, rendered);
    if (JSON.stringify(current) !== JSON.stringify(previous)) await deps.recrawl.put(run.target.id, url, current);
    return finishUnchanged(job, deps, run, previous.pageId, capture.links, {});
  }

  // One rule set for the whole page, even if the rule files are reloaded meanwhile.
  const ruleSet = deps.rules.current();
  const { entities, flags } = analyzeText(parsed.text, ruleSet, {
    language: parsed.language ?? undefined,
    overrides: resolveOverrides(run.target.rules),
    page: pageContextOf(fetched.finalUrl, parsed),
    brands: deps.brands,
  });
  // Images and files hashed and matched before the evidence is recorded: a child-abuse match
  // withholds the page's screenshot (it would show the image).
  const media = await hashPageMedia({ pageUrl: fetched.finalUrl, html: mediaSources(fetched, rendered), leaseId: String(job.id) }, run, deps);
  const pageFlags = mergeFlags(flags, media.flags);
  const id = pageId(normalizeUrl(fetched.finalUrl, undefined, run.urlOptions) ?? url, contentHash);
  const evidence = await recordEvidence(deps, run, fetched, rendered, {
    pageId: id,
    contentHash,
    depth: job.data.depth,
    previousManifest,
    outlinks: capture.links.length,
    withheldScreenshot: media.withhold,
  });
  // Mirrored content (the same text under another header, date or site) shares one set of alerts.
  const fingerprint = simhash64(parsed.text);
  const nearDuplicate = fingerprint ? await deps.nearDuplicates.findOrAdd(fingerprint, contentHash) : null;
  const page = buildPageDocument(run, job.data, capture, { id, contentHash, entities, flags: pageFlags, evidence });
  if (media.media.length > 0) page.media = media.media;
  if (nearDuplicate) page.nearDuplicateOf = nearDuplicate.canonicalContentHash;
  const alertContentHash = nearDuplicate?.canonicalContentHash ?? contentHash;
  const ruleObservations = alertObservations(page, run.target, ruleSet, deps.clock(), alertContentHash);
  const observations = withSavedSearches(ruleObservations, await deps.savedSearches.matching(page), page, alertContentHash, deps.clock());
  const indexed = await deps.index.indexPage(page, observations);
  if (observations.length > 0) await deps.runs.recordLatency(runId, Date.now() - fetchStartedMs);
  await deps.recrawl.put(run.target.id, url, { ...versionOf(page, fetched, evidence), runId, previousManifestSha256: previousManifest, changed });

  const linksEnqueued = await enqueueLinks(job, deps, run, capture.links);
  const alertsTouched = indexed.alertsCreated + indexed.alertsUpdated;
  await deps.frontier.finish(runId, url, {
    pages: 1,
    rendered: rendered ? 1 : 0,
    changed: changed ? 1 : 0,
    nearDuplicates: nearDuplicate ? 1 : 0,
    entities: entities.length,
    alerts: alertsTouched,
    alertsNew: indexed.alertsCreated,
    invalidLinks: parsed.invalidLinks,
    ...media.counters,
  }, deps.clock());
  return { outcome: 'indexed', pageId: page.id, alerts: alertsTouched, entities: entities.length, linksEnqueued };
}

/** A page whose content has not changed since the version held: its links are still followed. */
async function finishUnchanged(
  job: Job<PageJobData>,
  deps: WorkerDeps,
  run: RunContext,
  heldPageId: string,
  links: readonly string[],
  counters: Record<string, number>,
): Promise<PageOutcome> {
  const linksEnqueued = await enqueueLinks(job, deps, run, links);
  await deps.frontier.finish(run.runId, job.data.url, { unchanged: 1, ...counters }, deps.clock());
  return { outcome: 'unchanged', pageId: heldPageId, linksEnqueued };
}

async function enqueueLinks(job: Job<PageJobData>, deps: WorkerDeps, run: RunContext, links: readonly string[]): Promise<number> {
  // Past maxDepth, enqueueUrls claims nothing but counts the links as `capped:depth`.
  return enqueueUrls(deps, run.runId, String(job.id), inScopeLinks(links, run), job.data.depth + 1, frontierLimits(run.target));
}

/** Records a URL whose job failed for good, so the run's counts stay true and the run can end. */
export async function recordPageFailure(job: Job<PageJobData>, err: unknown, deps: WorkerDeps): Promise<void> {
  const code = errorCode(err);
  await deps.frontier.finish(job.data.runId, job.data.url, { errors: 1, [`error:${code}`]: 1 }, deps.clock());
}

function inScopeLinks(links: readonly string[], run: RunContext): string[] {
  const accepted = new Set<string>();
  for (const link of links) {
    const normalized = normalizeUrl(link, undefined, run.urlOptions);
    if (normalized && !looksLikeNonHtmlResource(normalized) && run.scope.inScope(normalized)) accepted.add(normalized);
  }
  return [...accepted];
}

interface PageFacts {
  id: string;
  contentHash: string;
  entities: PageDocument['entities'];
  flags: PageDocument['flags'];
  evidence: PageEvidence;
}

function buildPageDocument(run: RunContext, job: PageJobData, capture: PageCapture & { kind: 'fetched' }, facts: PageFacts): PageDocument {
  const { fetched, rendered, parsed } = capture;
  return {
    // The id follows the final URL: two URLs redirecting to one page make one document.
    id: facts.id,
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
    contentHash: facts.contentHash,
    entities: facts.entities,
    flags: facts.flags,
    depth: job.depth,
    rendered: rendered !== null,
    remoteAddress: fetched.remoteAddress,
    evidence: { manifestSha256: facts.evidence.manifestSha256, artifacts: facts.evidence.artifacts, warc: facts.evidence.warc },
  };
}

function versionOf(page: PageDocument, fetched: FetchResult, evidence: PageEvidence): PageVersion {
  const artifact = (role: string) => evidence.artifacts.find((a) => a.role === role)?.sha256 ?? null;
  return {
    ...validatorsOf(fetched.headers),
    contentHash: page.contentHash,
    pageId: page.id,
    manifestSha256: evidence.manifestSha256,
    bodySha256: artifact('response-body'),
    domSha256: artifact('rendered-dom'),
    contentType: fetched.headers['content-type'] ?? null,
    contentEncoding: fetched.headers['content-encoding'] ?? null,
    finalUrl: page.finalUrl,
    fetchedAt: page.fetchedAt,
  };
}

/**
 * Flags at or above the target's threshold for their category (precedence: extractors/rules/overrides.ts),
 * as alert observations. Also used by `vigie rules retrohunt`, so a past match raises the same alert a crawl would.
 */
export function alertObservations(page: PageDocument, target: AlertTarget, ruleSet: RuleSet, now: Date, alertContentHash: string): AlertObservation[] {
  return alertingFlags(page.flags, target, ruleSet)
    .map((flag) => ({
      id: alertId(alertContentHash, flag.category),
      category: flag.category,
      score: flag.score,
      tags: flag.tags,
      ruleIds: flag.rules.map((rule) => rule.ruleId),
      // Calibration (extractors/calibration.ts) scales each rule's weight by its measured precision.
      ruleWeights: Object.fromEntries(flag.rules.map((rule) => [rule.ruleId, rule.weight])),
      contentHash: alertContentHash,
      pageId: page.id,
      url: page.url,
      targetId: page.targetId,
      seenAt: now.toISOString(),
    }));
}
