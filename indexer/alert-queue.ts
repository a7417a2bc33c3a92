// The analysts' queue, as both index backends read it: the alert filter checked and normalised
// once (statuses, assignee, lastSeen range, paging), the queue's order, and how the alerts of one
// content make one row (AlertGroup).
import { NonRetryableError } from '../config/errors.ts';
import { canonicalTime } from './page-fields.ts';
import { resolvePaging } from './search-input.ts';
import type { Paging } from './search-input.ts';
import { ALERT_STATUSES, MAX_CONTENT_HASHES } from './types.ts';
import type { Alert, AlertFilter, AlertGroup, AlertStatus } from './types.ts';

/** An AlertFilter checked and normalised; absent filters are undefined. */
export interface ResolvedAlertFilter extends Paging {
  /** `status` and `statuses` combined (both must hold); empty means no alert can match. */
  statuses?: AlertStatus[];
  category?: string;
  targetId?: string;
  assignee?: string;
  contentHash?: string;
  /** Canonical ISO times (string order is time order), inclusive, on lastSeen. */
  from?: string;
  to?: string;
  /** Decided alerts observed after their latest decision. */
  seenSinceDecision?: true;
}

function invalid(message: string): never {
  throw new NonRetryableError('invalid-alert-filter', message);
}

function checkStatus(value: unknown): AlertStatus {
  if (!(ALERT_STATUSES as readonly unknown[]).includes(value)) invalid(`unknown status "${String(value)}"; use one of ${ALERT_STATUSES.join(', ')}`);
  return value as AlertStatus;
}

/** Throws NonRetryableError `invalid-alert-filter` (or `index-invalid-time`) on input no backend should run. */
export function resolveAlertFilter(filter: AlertFilter): ResolvedAlertFilter {
  const resolved: ResolvedAlertFilter = resolvePaging(filter.limit, filter.offset);
  let statuses: AlertStatus[] | undefined;
  if (filter.statuses !== undefined) {
    if (!Array.isArray(filter.statuses) || filter.statuses.length === 0) invalid('statuses, when given, lists at least one status');
    statuses = [...new Set(filter.statuses.map(checkStatus))];
  }
  if (filter.status !== undefined) {
    const status = checkStatus(filter.status);
    statuses = statuses === undefined ? [status] : statuses.filter((s) => s === status);
  }
  if (statuses !== undefined) resolved.statuses = statuses;
  if (filter.category) resolved.category = filter.category;
  if (filter.targetId) resolved.targetId = filter.targetId;
  if (filter.assignee) resolved.assignee = filter.assignee.trim();
  if (filter.contentHash) resolved.contentHash = filter.contentHash;
  if (filter.from) resolved.from = canonicalTime(filter.from, 'from');
  if (filter.to) resolved.to = canonicalTime(filter.to, 'to');
  if (filter.seenSinceDecision === true) resolved.seenSinceDecision = true;
  return resolved;
}

/** Distinct, non-empty content hashes, bounded; throws `invalid-alert-filter` beyond the bound. */
export function resolveContentHashes(contentHashes: readonly string[]): string[] {
  const hashes = [...new Set(contentHashes.filter((hash) => typeof hash === 'string' && hash !== ''))];
  if (hashes.length > MAX_CONTENT_HASHES) invalid(`at most ${MAX_CONTENT_HASHES} content hashes at once (got ${hashes.length})`);
  return hashes;
}

/** The queue's order: calibrated score, then lastSeen (newest first), then id. */
export function compareQueueRank(a: Alert, b: Alert): number {
  if (a.calibratedScore !== b.calibratedScore) return b.calibratedScore - a.calibratedScore;
  if (a.lastSeen !== b.lastSeen) return a.lastSeen < b.lastSeen ? 1 : -1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** One queue row from the matching alerts of one content (any order; at least one alert). */
export function alertGroupOf(alerts: readonly Alert[]): AlertGroup {
  const ranked = [...alerts].sort(compareQueueRank);
  const top = ranked[0];
  if (top === undefined) throw new TypeError('an alert group needs at least one alert');
  return {
    contentHash: top.contentHash,
    top,
    categories: ranked.map((alert) => alert.category),
    alertIds: ranked.map((alert) => alert.id),
    urlCount: new Set(ranked.flatMap((alert) => alert.urls)).size,
    pageCount: Math.max(...ranked.map((alert) => alert.pageCount)),
  };
}
