// How an alert observation merges into the alert with the same id. The embedded index runs this
// function; the Elasticsearch index runs the same rules as a painless script
// (elasticsearch/alert-bodies.ts). Keep the two in step.
import { NonRetryableError } from '../config/errors.ts';
import { calibratedScore } from '../extractors/calibration.ts';
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

/** Calibration factors in force: rule id -> factor (absent rules are 1). */
export type RuleFactors = Readonly<Record<string, number>>;

/** Largest factor accepted: a rule cannot weigh more than 1 anyway, this only bounds bad input. */
export const MAX_RULE_FACTOR = 100;

/** Calibration factors as stored: finite numbers in [0, MAX_RULE_FACTOR] keyed by non-empty rule ids. */
export function checkFactors(factors: Readonly<Record<string, number>>): Record<string, number> {
  const checked: Record<string, number> = {};
  for (const [ruleId, factor] of Object.entries(factors)) {
    if (ruleId === '' || typeof factor !== 'number' || !Number.isFinite(factor) || factor < 0 || factor > MAX_RULE_FACTOR) {
      throw new NonRetryableError('invalid-rule-factor', `calibration factor of rule "${ruleId}" must be a number in [0, ${MAX_RULE_FACTOR}]`);
    }
    checked[ruleId] = factor;
  }
  return checked;
}

/** Rules whose factor differs between two factor tables (a rule absent from one has factor 1 there). */
export function changedRules(before: Readonly<Record<string, number>>, after: Readonly<Record<string, number>>): string[] {
  const ids = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...ids].filter((id) => (before[id] ?? 1) !== (after[id] ?? 1)).sort();
}

/** The observation's per-rule weights, checked: finite numbers in [0, 1] for rules it names. */
export function observationWeights(observation: AlertObservation): Record<string, number> {
  const weights: Record<string, number> = {};
  for (const [ruleId, weight] of Object.entries(observation.ruleWeights ?? {})) {
    if (typeof weight === 'number' && Number.isFinite(weight)) weights[ruleId] = Math.min(1, Math.max(0, weight));
  }
  return weights;
}

export function newAlert(observation: AlertObservation, factors: RuleFactors = {}): Alert {
  const ruleWeights = observationWeights(observation);
  return {
    id: observation.id,
    status: 'new',
    category: observation.category,
    score: observation.score,
    calibratedScore: calibratedScore(ruleWeights, factors, observation.score),
    tags: [...new Set(observation.tags)],
    ruleIds: [...new Set(observation.ruleIds)],
    ruleWeights,
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

/** Per rule, the higher of the two weights. */
function maxWeights(existing: Readonly<Record<string, number>>, added: Readonly<Record<string, number>>): Record<string, number> {
  const merged = { ...existing };
  for (const [ruleId, weight] of Object.entries(added)) {
    if (!(ruleId in merged) || weight > merged[ruleId]!) merged[ruleId] = weight;
  }
  return merged;
}

/**
 * Merges one observation. `pageIsNew` says whether this (alert, page) pair was not linked yet:
 * only then does pageCount grow. Status, decision, first page, target and firstSeen are kept;
 * score and lastSeen take the maximum; URLs, tags and rule ids are appended distinct, URLs capped
 * at MAX_ALERT_URLS with the oldest kept; rule weights take the maximum per rule, and the
 * calibrated score is recomputed from them with the factors in force. `changed` is false when the
 * merge leaves the alert as it was.
 */
export function mergeObservation(
  alert: Alert,
  observation: AlertObservation,
  pageIsNew: boolean,
  factors: RuleFactors = {},
): { alert: Alert; changed: boolean } {
  const ruleWeights = maxWeights(alert.ruleWeights, observationWeights(observation));
  const score = Math.max(alert.score, observation.score);
  const urls =
    alert.urls.includes(observation.url) || alert.urls.length >= MAX_ALERT_URLS
      ? alert.urls
      : [...alert.urls, observation.url];
  const merged: Alert = {
    ...alert,
    score,
    calibratedScore: calibratedScore(ruleWeights, factors, score),
    ruleWeights,
    lastSeen: observation.seenAt > alert.lastSeen ? observation.seenAt : alert.lastSeen,
    urls,
    tags: union(alert.tags, observation.tags),
    ruleIds: union(alert.ruleIds, observation.ruleIds),
    pageCount: alert.pageCount + (pageIsNew ? 1 : 0),
  };
  const changed =
    merged.score !== alert.score ||
    merged.calibratedScore !== alert.calibratedScore ||
    Object.keys(merged.ruleWeights).some((ruleId) => merged.ruleWeights[ruleId] !== alert.ruleWeights[ruleId]) ||
    merged.lastSeen !== alert.lastSeen ||
    merged.urls.length !== alert.urls.length ||
    merged.tags.length !== alert.tags.length ||
    merged.ruleIds.length !== alert.ruleIds.length ||
    merged.pageCount !== alert.pageCount;
  return { alert: merged, changed };
}
