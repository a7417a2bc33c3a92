// How an alert observation merges into the alert with the same id. The embedded index runs this
// function; the Elasticsearch index runs the same rules as a painless script
// (elasticsearch/alert-bodies.ts). Keep the two in step.
import { NonRetryableError } from '../config/errors.ts';
import { MAX_ALERT_URLS } from './types.ts';
import type { Alert, AlertObservation } from './types.ts';
import { canonicalTime } from './page-fields.ts';

/** The observation with its time in canonical ISO form; rejects observations that cannot be stored. */
export function canonicalObservation(observation: AlertObservation): AlertObservation {
  if (!observation.id) {
    throw new NonRetryableError('index-invalid-document', 'alert observation has no id');
  }
  if (!Number.isFinite(observation.score)) {
    throw new NonRetryableError('index-invalid-document', `alert ${observation.id}: score is not a number`, {
      details: { alertId: observation.id },
    });
  }
  return { ...observation, seenAt: canonicalTime(observation.seenAt, 'seenAt') };
}

export function newAlert(observation: AlertObservation): Alert {
  return {
    id: observation.id,
    status: 'new',
    category: observation.category,
    score: observation.score,
    tags: [...new Set(observation.tags)],
    ruleIds: [...new Set(observation.ruleIds)],
    contentHash: observation.contentHash,
    targetId: observation.targetId,
    pageId: observation.pageId,
    urls: [observation.url],
    pageCount: 1,
    firstSeen: observation.seenAt,
    lastSeen: observation.seenAt,
  };
}

function union(existing: readonly string[], added: readonly string[]): string[] {
  const result = [...existing];
  for (const value of added) if (!result.includes(value)) result.push(value);
  return result;
}

/**
 * Merges one observation. `pageIsNew` says whether this (alert, page) pair was not linked yet:
 * only then does pageCount grow. Status, first page, target and firstSeen are kept; score and
 * lastSeen take the maximum; URLs, tags and rule ids are appended distinct, URLs capped at
 * MAX_ALERT_URLS with the oldest kept. `changed` is false when the merge leaves the alert as it was.
 */
export function mergeObservation(
  alert: Alert,
  observation: AlertObservation,
  pageIsNew: boolean,
): { alert: Alert; changed: boolean } {
  const urls =
    alert.urls.includes(observation.url) || alert.urls.length >= MAX_ALERT_URLS
      ? alert.urls
      : [...alert.urls, observation.url];
  const merged: Alert = {
    ...alert,
    score: Math.max(alert.score, observation.score),
    lastSeen: observation.seenAt > alert.lastSeen ? observation.seenAt : alert.lastSeen,
    urls,
    tags: union(alert.tags, observation.tags),
    ruleIds: union(alert.ruleIds, observation.ruleIds),
    pageCount: alert.pageCount + (pageIsNew ? 1 : 0),
  };
  const changed =
    merged.score !== alert.score ||
    merged.lastSeen !== alert.lastSeen ||
    merged.urls.length !== alert.urls.length ||
    merged.tags.length !== alert.tags.length ||
    merged.ruleIds.length !== alert.ruleIds.length ||
    merged.pageCount !== alert.pageCount;
  return { alert: merged, changed };
}
