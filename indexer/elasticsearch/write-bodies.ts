// Request bodies for writing: the page document and the alert upsert, as one bulk request so a
// page and its alerts cost one round trip and one translog fsync.
import type { estypes } from '@elastic/elasticsearch';
import type { Alert, AlertObservation, PageDocument } from '../types.ts';
import { MAX_ALERT_URLS } from '../types.ts';
import { canonicalObservation, newAlert, observationWeights } from '../alert-merge.ts';
import type { RuleFactors } from '../alert-merge.ts';
import { canonicalTime, hostOf, hostSuffixes, pageCategories, pageEntityKeys, siteOfHost, timeMs } from '../page-fields.ts';
import type { IndexNames } from './mappings.ts';

/** What is stored for a page: the document itself plus the fields filters need. */
export interface EsPageSource extends PageDocument {
  fetchedTime: string;
  host: string;
  hostSuffixes: string[];
  /** The registrable domain of the host (page-fields.ts siteOfHost): the domain facet and the entity graph's sites. */
  site: string;
  categories: string[];
  entityKeys: string[];
}

/** What is stored for an alert: the alert plus the distinct pages merged into it. */
export interface EsAlertSource extends Alert {
  pageIds: string[];
}

export function pageSource(page: PageDocument): EsPageSource {
  const host = hostOf(page.url);
  return {
    ...page,
    fetchedTime: canonicalTime(page.fetchedAt, 'fetchedAt'),
    host,
    hostSuffixes: hostSuffixes(host),
    site: siteOfHost(host),
    categories: pageCategories(page),
    entityKeys: pageEntityKeys(page),
  };
}

const PAGE_FIELDS = [
  'id', 'url', 'finalUrl', 'targetId', 'runId', 'fetchedAt', 'httpStatus', 'contentType', 'title', 'text',
  'language', 'contentHash', 'entities', 'flags', 'depth',
] as const satisfies readonly (keyof PageDocument)[];
/** Fields only some pages carry (older documents lack them): copied back only when present. */
const OPTIONAL_PAGE_FIELDS = ['rendered', 'remoteAddress', 'evidence', 'nearDuplicateOf', 'media'] as const satisfies readonly (keyof PageDocument)[];

/** The PageDocument back from a stored source, without the derived fields. */
export function pageFromSource(source: EsPageSource): PageDocument {
  const page: Partial<Record<keyof PageDocument, unknown>> = {};
  for (const field of PAGE_FIELDS) page[field] = source[field];
  for (const field of OPTIONAL_PAGE_FIELDS) if (source[field] !== undefined) page[field] = source[field];
  return page as PageDocument;
}

const ALERT_FIELDS = [
  'id', 'status', 'category', 'score', 'tags', 'ruleIds', 'contentHash', 'targetId', 'pageId', 'urls',
  'pageCount', 'firstSeen', 'lastSeen',
] as const satisfies readonly (keyof Alert)[];

/** An alert back from a stored source; alerts stored before calibration get its neutral values. */
export function alertFromSource(source: Partial<EsAlertSource>): Alert {
  const alert: Partial<Record<keyof Alert, unknown>> = {};
  for (const field of ALERT_FIELDS) alert[field] = source[field];
  alert.calibratedScore = source.calibratedScore ?? source.score;
  alert.ruleWeights = source.ruleWeights ?? {};
  if (source.decision !== undefined && source.decision !== null) alert.decision = source.decision;
  // A decision that clears them stores null (a partial update cannot remove a field).
  if (typeof source.assignee === 'string') alert.assignee = source.assignee;
  if (typeof source.firstDecidedAt === 'string') alert.firstDecidedAt = source.firstDecidedAt;
  return alert as Alert;
}

/**
 * The calibrated score in painless, as extractors/calibration.ts computes it: the noisy-OR of the
 * alert's rule weights times their factors (absent factors are 1), each capped to [0, 1], rounded
 * to 3 decimals; an alert without rule weights keeps its raw score. Leaves it in `calibrated`.
 */
const CALIBRATE_SNIPPET = `
double miss = 1.0;
boolean weighed = false;
for (String rule : a.ruleWeights.keySet()) {
  double factor = params.factors[rule] == null ? 1.0 : params.factors[rule];
  miss *= 1.0 - Math.min(1.0, Math.max(0.0, a.ruleWeights[rule] * factor));
  weighed = true;
}
double calibrated = weighed ? Math.round((1.0 - miss) * 1000.0) / 1000.0 : a.score;
`.trim();

/**
 * The merge rules of alert-merge.ts (mergeObservation), in painless: score and lastSeen take the
 * maximum (times are canonical ISO strings, so string order is time order), URLs, tags and rule
 * ids are appended distinct with URLs capped (oldest kept), a page counts once through pageIds,
 * rule weights take the maximum per rule and the calibrated score is recomputed with the factors
 * in force, and status, decision, first page, target and firstSeen are kept. An observation that
 * changes nothing makes the update a noop, which is how alertsUpdated counts only real changes.
 */
export const MERGE_ALERT_SCRIPT = `
def a = ctx._source;
boolean changed = false;
for (String field : ['urls', 'tags', 'ruleIds', 'pageIds']) {
  if (a[field] == null) { a[field] = new ArrayList(); }
}
if (params.score > a.score) { a.score = params.score; changed = true; }
if (params.seenAt.compareTo(a.lastSeen) > 0) { a.lastSeen = params.seenAt; changed = true; }
if (!a.urls.contains(params.url) && a.urls.size() < params.maxUrls) { a.urls.add(params.url); changed = true; }
for (def tag : params.tags) { if (!a.tags.contains(tag)) { a.tags.add(tag); changed = true; } }
for (def ruleId : params.ruleIds) { if (!a.ruleIds.contains(ruleId)) { a.ruleIds.add(ruleId); changed = true; } }
if (!a.pageIds.contains(params.pageId)) { a.pageIds.add(params.pageId); a.pageCount = a.pageIds.size(); changed = true; }
if (a.ruleWeights == null) { a.ruleWeights = new HashMap(); }
for (String rule : params.ruleWeights.keySet()) {
  double weight = params.ruleWeights[rule];
  if (a.ruleWeights[rule] == null || weight > a.ruleWeights[rule]) { a.ruleWeights[rule] = weight; changed = true; }
}
${CALIBRATE_SNIPPET}
if (a.calibratedScore == null || calibrated != a.calibratedScore) { a.calibratedScore = calibrated; changed = true; }
if (!changed) { ctx.op = 'noop'; }
`.trim();

/** Recomputes an alert's calibrated score with new factors (update by query); a noop when unchanged. */
export const RECALIBRATE_ALERT_SCRIPT = `
def a = ctx._source;
if (a.ruleWeights == null) { a.ruleWeights = new HashMap(); }
${CALIBRATE_SNIPPET}
if (a.calibratedScore != null && calibrated == a.calibratedScore) { ctx.op = 'noop'; } else { a.calibratedScore = calibrated; }
`.trim();

/** How often a concurrent update of the same alert by another worker is retried inside Elasticsearch. */
export const ALERT_RETRY_ON_CONFLICT = 10;

export function alertUpsert(observation: AlertObservation, factors: RuleFactors = {}): estypes.BulkUpdateAction<EsAlertSource> {
  const seen = canonicalObservation(observation);
  return {
    script: {
      lang: 'painless',
      source: MERGE_ALERT_SCRIPT,
      params: {
        score: seen.score,
        seenAt: seen.seenAt,
        url: seen.url,
        pageId: seen.pageId,
        tags: seen.tags,
        ruleIds: seen.ruleIds,
        ruleWeights: observationWeights(seen),
        factors: { ...factors },
        maxUrls: MAX_ALERT_URLS,
      },
    },
    upsert: { ...newAlert(seen, factors), pageIds: [seen.pageId] },
  };
}

export type BulkLine = estypes.BulkOperationContainer | estypes.BulkUpdateAction<EsAlertSource> | EsPageSource;

/**
 * The bulk operations of one indexPage: the page first, then one scripted upsert per alert.
 * The page is versioned by its fetch time (external_gte): re-indexing the same fetch is allowed
 * and idempotent, while a late retry of an older fetch is refused with a 409 the caller ignores,
 * the rule the embedded index follows too.
 */
export function indexPageOperations(
  names: IndexNames,
  page: PageDocument,
  observations: readonly AlertObservation[],
  factors: RuleFactors = {},
): BulkLine[] {
  const source = pageSource(page);
  const lines: BulkLine[] = [
    {
      index: {
        _index: names.pages,
        _id: page.id,
        version: Math.max(0, timeMs(page.fetchedAt, 'fetchedAt')),
        version_type: 'external_gte',
      },
    },
    source,
  ];
  for (const observation of observations) {
    lines.push(
      { update: { _index: names.alerts, _id: observation.id, retry_on_conflict: ALERT_RETRY_ON_CONFLICT } },
      alertUpsert(observation, factors),
    );
  }
  return lines;
}
